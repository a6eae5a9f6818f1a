import "server-only";
import { z } from "zod";

/** The only reader of process.env, validated once and lazily so `next build` needs no secrets (README.md § Configuration). */

/** Branded for the same reason as NsightError: modules may be loaded once per bundle. */
const CONFIG_ERROR = Symbol.for("nsight-backup-dashboard.ConfigError");

export class ConfigError extends Error {
  readonly [CONFIG_ERROR] = true;
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return typeof error === "object" && error !== null && (error as { [CONFIG_ERROR]?: unknown })[CONFIG_ERROR] === true;
}

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const EnvSchema = z.object({
  NSIGHT_API_KEY: z.string().trim().min(1).optional(),
  NSIGHT_SERVER: z.string().trim().min(1).optional(),
  NSIGHT_DEMO: z.enum(["0", "1"]).default("0"),
  NSIGHT_CALLS_PER_MINUTE: z.coerce.number().int().min(1).max(60).default(60),
  NSIGHT_MAX_CONCURRENT: z.coerce.number().int().min(1).max(16).default(4),
  NSIGHT_TIMEOUT_SECONDS: seconds(30, 1, 600),
  // N-able asks for no automated call more often than every 90 seconds.
  NSIGHT_SESSIONS_TTL_SECONDS: seconds(300, 90, 86_400),
  NSIGHT_INVENTORY_TTL_SECONDS: seconds(1_800, 90, 86_400),
  NSIGHT_SLOW_ANSWER_SECONDS: z.coerce.number().min(0.1).max(60).default(3),
  NSIGHT_MAX_RESPONSE_MB: z.coerce.number().min(1).max(1_024).default(64),
  NSIGHT_CACHE_MAX_RECORDS: z.coerce.number().int().min(1_000).default(500_000),
  FLEET_MIN_REREAD_SECONDS: seconds(900, 90, 86_400),
  FLEET_REREAD_SECONDS: seconds(3_600, 90, 7 * 86_400),
  HEALTH_MAX_AGE_HOURS: z.coerce.number().min(1).max(24 * 90).default(168),
  DATA_DIR: z.string().trim().min(1).default(".data"),
});

export interface AppConfig {
  nsightBaseUrl: URL;
  apiKey: string;
  demo: boolean;
  callsPerMinute: number;
  maxConcurrent: number;
  timeoutMs: number;
  sessionsTtlMs: number;
  inventoryTtlMs: number;
  staleAfterMs: number;
  maxResponseBytes: number;
  cacheMaxRecords: number;
  fleetMinRereadMs: number;
  fleetRereadMs: number;
  healthMaxAgeMs: number;
  dataDir: string;
}

export function parseNsightServer(value: string): URL {
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new ConfigError(`NSIGHT_SERVER is not a host name or URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError("NSIGHT_SERVER must use https (or http for a local simulator).");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError("NSIGHT_SERVER must not contain credentials, a query or a fragment.");
  }
  return url;
}

function load(env: NodeJS.ProcessEnv): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  if (!e.NSIGHT_API_KEY) {
    throw new ConfigError("NSIGHT_API_KEY is not set. Start with `npm start` to use the built-in simulator, or set the key.");
  }
  if (!e.NSIGHT_SERVER) {
    throw new ConfigError("NSIGHT_SERVER is not set: give your regional API host, for example www.systemmonitor.us.");
  }
  return {
    nsightBaseUrl: parseNsightServer(e.NSIGHT_SERVER),
    apiKey: e.NSIGHT_API_KEY,
    demo: e.NSIGHT_DEMO === "1",
    callsPerMinute: e.NSIGHT_CALLS_PER_MINUTE,
    maxConcurrent: e.NSIGHT_MAX_CONCURRENT,
    timeoutMs: e.NSIGHT_TIMEOUT_SECONDS * 1000,
    sessionsTtlMs: e.NSIGHT_SESSIONS_TTL_SECONDS * 1000,
    inventoryTtlMs: e.NSIGHT_INVENTORY_TTL_SECONDS * 1000,
    staleAfterMs: e.NSIGHT_SLOW_ANSWER_SECONDS * 1000,
    maxResponseBytes: Math.floor(e.NSIGHT_MAX_RESPONSE_MB * 1024 * 1024),
    cacheMaxRecords: e.NSIGHT_CACHE_MAX_RECORDS,
    fleetMinRereadMs: e.FLEET_MIN_REREAD_SECONDS * 1000,
    fleetRereadMs: Math.max(e.FLEET_REREAD_SECONDS, e.FLEET_MIN_REREAD_SECONDS) * 1000,
    healthMaxAgeMs: e.HEALTH_MAX_AGE_HOURS * 3_600_000,
    dataDir: e.DATA_DIR,
  };
}

let cached: AppConfig | undefined;

export function getConfig(): AppConfig {
  cached ??= load(process.env);
  return cached;
}

export function isDemo(): boolean {
  return process.env.NSIGHT_DEMO === "1";
}

/** Literal secrets to scrub from anything printed, even if the configuration is invalid. */
export function secretsToRedact(): string[] {
  const key = process.env.NSIGHT_API_KEY?.trim();
  return key ? [key] : [];
}
