import { jsonResponse } from "@/lib/http/api-route";

// Any other /api/ path: a JSON 404 rather than the HTML not-found page.
function notFound(): Response {
  return jsonResponse({ error: { code: "not_found", message: "No such API route." } }, 404);
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
