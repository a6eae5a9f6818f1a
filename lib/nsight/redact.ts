import "server-only";

const APIKEY_PARAM = /(apikey=)[^&#\s"'<>]*/gi;

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(APIKEY_PARAM, "$1[redacted]");
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out;
}
