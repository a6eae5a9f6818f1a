import "server-only";
import { secretsToRedact } from "./config";
import { redact } from "./nsight/redact";

type Level = "info" | "warn" | "error";

/** One JSON line per event, scrubbed of `apikey=` and the literal key so no path can print the secret. */
export function log(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  const line = redact(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }), secretsToRedact());
  if (level === "info") process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
