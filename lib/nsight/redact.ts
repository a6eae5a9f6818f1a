import "server-only";
/**
 * The API key travels in N-sight's query string, so any URL or message that might hold
 * one goes through here before it is printed or stored.
 */

const APIKEY_PARAM = /(apikey=)[^&#\s"'<>]*/gi;

/** Replaces `apikey=…` and every literal secret in `text` with a marker. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(APIKEY_PARAM, "$1[redacted]");
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out;
}
