import "server-only";
import { secretsToRedact } from "./config";
import { redact } from "./nsight/redact";

type Level = "info" | "warn" | "error";

/** A share link's token, wherever a path with it is written (a link is as good as its token). */
const SHARE_PATH = /(\/s\/)[^/?#\s"'<>]+/g;

/** One JSON line per event, scrubbed of `apikey=`, the literal key and share links' tokens so no path can print a secret. */
export function log(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  const line = redact(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }), secretsToRedact()).replace(SHARE_PATH, "$1[redacted]");
  if (level === "info") process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
