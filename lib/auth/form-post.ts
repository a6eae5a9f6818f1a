import "server-only";
import { originAllowed } from "./origin";

/** Sign-in forms carry a few short fields; anything bigger is not one of ours. */
const MAX_FORM_BYTES = 16 * 1024;

export function seeOther(location: string, setCookies: string[] = []): Response {
  const headers = new Headers({ Location: location, "Cache-Control": "no-store" });
  for (const cookie of setCookies) headers.append("Set-Cookie", cookie);
  return new Response(null, { status: 303, headers });
}

function plain(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });
}

export async function readFormPost(request: Request): Promise<{ fields: (name: string) => string; all: (name: string) => string[] } | { refused: Response }> {
  if (!originAllowed(request)) return { refused: plain(403, "This request came from another site; it was refused.") };
  const length = Number(request.headers.get("content-length") ?? "0");
  if (!Number.isFinite(length) || length > MAX_FORM_BYTES) return { refused: plain(413, "This form is too large.") };
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return { refused: plain(400, "This is not a form this dashboard sent.") };
  }
  return {
    fields: (name) => {
      const value = form.get(name);
      return typeof value === "string" ? value.slice(0, 2_048) : "";
    },
    all: (name) =>
      form
        .getAll(name)
        .filter((v): v is string => typeof v === "string")
        .slice(0, 500)
        .map((v) => v.slice(0, 64)),
  };
}
