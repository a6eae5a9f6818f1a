import "server-only";
import { z } from "zod";
import { RequestError } from "./request-error";

const MAX_BODY_BYTES = 64 * 1024;

export const JSON_OBJECT = z.record(z.string(), z.unknown());

export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) throw new RequestError("Send a JSON body (Content-Type: application/json).");
  const length = Number(request.headers.get("content-length") ?? "0");
  if (!Number.isFinite(length) || length > MAX_BODY_BYTES) throw new RequestError("The request body is too large.");
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new RequestError("The request body is too large.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RequestError("The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new RequestError(`Invalid body: ${where}${issue?.message ?? "unexpected shape"}`.slice(0, 200));
  }
  return parsed.data;
}
