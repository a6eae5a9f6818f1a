// GET /s/expired: where a dead share link goes, a plain 410 naming nothing (the token does not come along).
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>Link expired</title></head>
<body>
<h1>This link has expired or was revoked</h1>
<p>Ask the person who shared it for a new one.</p>
</body>
</html>
`;

export function GET(): Response {
  return new Response(PAGE, {
    status: 410,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Robots-Tag": "noindex",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
