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

/** Every problem of the environment at once, as one ConfigError. */
function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}

const seconds = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const EnvSchema = z.object({
  NSIGHT_API_KEY: z.string().trim().min(1).optional(),
  NSIGHT_SERVER: z.string().trim().min(1).optional(),
  NSIGHT_DEMO: z.enum(["0", "1"]).default("0"),
  NSIGHT_CALLS_PER_MINUTE: z.coerce.number().int().min(1).max(60).default(60),
  NSIGHT_MAX_CONCURRENT: z.coerce.number().int().min(1).max(16).default(4),
  NSIGHT_CALLS_PER_PRINCIPAL: z.coerce.number().int().min(1).max(60).optional(),
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
  /** Interactive calls one principal may have sent in the budget's window or waiting: a third of the budget unless set. */
  callsPerPrincipal: number;
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
  const e = parseEnv(EnvSchema, env);
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
    callsPerPrincipal: Math.min(e.NSIGHT_CALLS_PER_MINUTE, e.NSIGHT_CALLS_PER_PRINCIPAL ?? Math.max(1, Math.floor(e.NSIGHT_CALLS_PER_MINUTE / 3))),
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

const AuthEnvSchema = z.object({
  PUBLIC_URL: z.string().trim().url().optional(),
  SESSION_IDLE_SECONDS: z.coerce.number().int().min(5).max(30 * 86_400).default(12 * 3_600),
  SESSION_MAX_SECONDS: z.coerce.number().int().min(5).max(90 * 86_400).default(7 * 86_400),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(10),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  DISPLAY_PAIRING_CODES_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(10),
  OIDC_ISSUER: z.string().trim().min(1).optional(),
  OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().trim().min(1).optional(),
  OIDC_NAME: z.string().trim().min(1).max(80).default("single sign-on"),
  OIDC_ROLES_CLAIM: z.string().trim().min(1).max(200).default("roles"),
  DATA_DIR: z.string().trim().min(1).default(".data"),
});

export interface AuthConfig {
  /** The dashboard's external base URL, when set: its origin is the only one a state-changing request may come from. */
  publicUrl: URL | null;
  secureCookies: boolean;
  sessionIdleMs: number;
  sessionMaxMs: number;
  loginMaxFailures: number;
  loginLockMs: number;
  pairingCodesPerAddress: number;
  oidcConfigured: boolean;
  oidc: OidcSettings | null;
  dataDir: string;
}

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  name: string;
  rolesClaim: string;
  redirectUri: URL;
  insecureLoopback: boolean;
}

/** An issuer needs a client, a secret and PUBLIC_URL, and https unless it is on this machine. */
export function parseOidcSettings(
  e: { OIDC_ISSUER?: string; OIDC_CLIENT_ID?: string; OIDC_CLIENT_SECRET?: string; OIDC_NAME: string; OIDC_ROLES_CLAIM: string },
  publicUrl: URL | null,
): OidcSettings | null {
  if (!e.OIDC_ISSUER) return null;
  let issuer: URL;
  try {
    issuer = new URL(e.OIDC_ISSUER);
  } catch {
    throw new ConfigError(`OIDC_ISSUER is not a URL: ${JSON.stringify(e.OIDC_ISSUER.slice(0, 200))}`);
  }
  if (issuer.username || issuer.password || issuer.search || issuer.hash) {
    throw new ConfigError("OIDC_ISSUER must not contain credentials, a query or a fragment.");
  }
  const loopback = isLoopbackHost(issuer.hostname);
  if (issuer.protocol !== "https:" && !(issuer.protocol === "http:" && loopback)) {
    throw new ConfigError("OIDC_ISSUER must use https (plain http only for an identity provider on this machine).");
  }
  if (!e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) {
    throw new ConfigError("OIDC_ISSUER is set, so OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are needed too.");
  }
  if (!publicUrl) {
    throw new ConfigError("OIDC_ISSUER is set, so PUBLIC_URL is needed too: the redirect URI is {PUBLIC_URL}/auth/callback.");
  }
  return {
    issuer,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    name: e.OIDC_NAME,
    rolesClaim: e.OIDC_ROLES_CLAIM,
    redirectUri: new URL("auth/callback", publicUrl.href.endsWith("/") ? publicUrl.href : `${publicUrl.href}/`),
    insecureLoopback: issuer.protocol === "http:",
  };
}

let cachedAuth: AuthConfig | undefined;

export function getAuthConfig(): AuthConfig {
  if (cachedAuth) return cachedAuth;
  const e = parseEnv(AuthEnvSchema, process.env);
  const publicUrl = e.PUBLIC_URL ? new URL(e.PUBLIC_URL) : null;
  cachedAuth = {
    publicUrl,
    secureCookies: publicUrl?.protocol === "https:",
    sessionIdleMs: e.SESSION_IDLE_SECONDS * 1000,
    sessionMaxMs: e.SESSION_MAX_SECONDS * 1000,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockMs: e.LOGIN_LOCK_SECONDS * 1000,
    pairingCodesPerAddress: e.DISPLAY_PAIRING_CODES_PER_ADDRESS,
    oidcConfigured: Boolean(e.OIDC_ISSUER),
    oidc: parseOidcSettings(e, publicUrl),
    dataDir: e.DATA_DIR,
  };
  return cachedAuth;
}

/** Needs a simulator on this machine as well as NSIGHT_DEMO=1, so a real account's data is never open to every visitor. */
export function isOpenDemo(): boolean {
  if (!isDemo()) return false;
  try {
    return isLoopbackHost(getConfig().nsightBaseUrl.hostname);
  } catch {
    return false;
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

const AlertEnvSchema = z.object({
  ALERT_REPEAT_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(24),
  ALERT_GROUP_SECONDS: z.coerce.number().min(0).max(3_600).default(60),
  ALERT_UNREACHABLE_MINUTES: z.coerce.number().min(0.05).max(24 * 60).default(15),
  SMTP_URL: z.string().trim().min(1).optional(),
  ALERT_FROM: z.string().trim().min(3).max(320).optional(),
});

export interface AlertConfig {
  repeatMs: number;
  groupMs: number;
  /** How long N-sight must fail before the one "unreachable" notice goes out. */
  unreachableAfterMs: number;
  smtpUrl: string | null;
  from: string | null;
}

let cachedAlerts: AlertConfig | undefined;

export function getAlertConfig(): AlertConfig {
  if (cachedAlerts) return cachedAlerts;
  const e = parseEnv(AlertEnvSchema, process.env);
  if (e.SMTP_URL && !/^smtps?:\/\//i.test(e.SMTP_URL)) throw new ConfigError("SMTP_URL must start with smtp:// or smtps://.");
  cachedAlerts = {
    repeatMs: Math.round(e.ALERT_REPEAT_HOURS * 3_600_000),
    groupMs: Math.round(e.ALERT_GROUP_SECONDS * 1000),
    unreachableAfterMs: Math.round(e.ALERT_UNREACHABLE_MINUTES * 60_000),
    smtpUrl: e.SMTP_URL ?? null,
    from: e.ALERT_FROM ?? null,
  };
  return cachedAlerts;
}

const ClusterEnvSchema = z.object({
  REDIS_URL: z.string().trim().min(1).optional(),
  DATABASE_URL: z.string().trim().min(1).optional(),
  MAX_INSTANCES: z.coerce.number().int().min(1).max(100).default(3),
  INSTANCE_NAME: z.string().trim().min(1).max(100).optional(),
});

/** Several instances as one (README.md § Deployment): without REDIS_URL and DATABASE_URL, one process with SQLite and memory. */
export interface ClusterConfig {
  redisUrl: string | null;
  databaseUrl: string | null;
  /** Each instance's share of the budget while Redis is unreachable: NSIGHT_CALLS_PER_MINUTE / MAX_INSTANCES. */
  maxInstances: number;
  /** How this instance names itself in logs, leases and the health answer. */
  instanceName: string | null;
}

let cachedCluster: ClusterConfig | undefined;

export function getClusterConfig(): ClusterConfig {
  if (cachedCluster) return cachedCluster;
  const e = parseEnv(ClusterEnvSchema, process.env);
  if (e.REDIS_URL && !/^rediss?:\/\//i.test(e.REDIS_URL)) throw new ConfigError("REDIS_URL must start with redis:// or rediss://.");
  if (e.DATABASE_URL && !/^postgres(ql)?:\/\//i.test(e.DATABASE_URL)) throw new ConfigError("DATABASE_URL must start with postgres:// or postgresql://.");
  cachedCluster = {
    redisUrl: e.REDIS_URL ?? null,
    databaseUrl: e.DATABASE_URL ?? null,
    maxInstances: e.MAX_INSTANCES,
    instanceName: e.INSTANCE_NAME ?? null,
  };
  return cachedCluster;
}

function urlPassword(value: string | undefined): string | undefined {
  try {
    return decodeURIComponent(new URL(value ?? "").password) || undefined;
  } catch {
    return undefined;
  }
}

/** Literal secrets to scrub from anything printed, even if the configuration is invalid. */
export function secretsToRedact(): string[] {
  const key = process.env.NSIGHT_API_KEY?.trim();
  const oidcSecret = process.env.OIDC_CLIENT_SECRET?.trim();
  const urls = [process.env.SMTP_URL, process.env.REDIS_URL, process.env.DATABASE_URL].map(urlPassword);
  return [key, oidcSecret, ...urls].filter((secret): secret is string => Boolean(secret));
}
