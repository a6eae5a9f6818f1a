import "server-only";
import * as oidc from "openid-client";
import { getAuthConfig, type OidcSettings } from "../config";
import type { Store } from "../store/db";
import { createUser, findUserByIdentity, linkIdentity, normaliseEmail, setUserName, setUserRole, findUserByEmail, type Role, type User } from "../store/users";
import { createSession, type NewSessionResult } from "./sessions";
import { hashToken } from "./tokens";

export const SIGN_IN_STATE_MAX_AGE_MS = 10 * 60_000;
/** The identity provider's metadata is read again after this long (keys are refreshed by openid-client on their own). */
const DISCOVERY_MAX_AGE_MS = 60 * 60_000;
const REQUEST_TIMEOUT_SECONDS = 10;
const SCOPE = "openid profile email";

/** Scoped to /auth: only the sign-in and callback routes ever see it. Not __Host- (that needs Path=/). */
export function signInStateCookieName(): string {
  return getAuthConfig().secureCookies ? "__Secure-nbd_oidc" : "nbd_oidc";
}
export const SIGN_IN_STATE_COOKIE_PATH = "/auth";

export type OidcFailure =
  | "sso_unavailable"
  | "sso_expired"
  | "sso_denied"
  | "sso_rejected"
  | "sso_disabled";

export class OidcSignInError extends Error {
  constructor(
    readonly failure: OidcFailure,
    /** For the log: never a token, a code or the provider's page. */
    readonly reason: string,
  ) {
    super(`${failure}: ${reason}`);
    this.name = "OidcSignInError";
  }
}

export function oidcSettings(): OidcSettings | null {
  return getAuthConfig().oidc;
}

interface CachedDiscovery {
  key: string;
  at: number;
  configuration: Promise<oidc.Configuration>;
}
const DISCOVERY = Symbol.for("nsight-backup-dashboard.oidc-discovery");
type GlobalWithDiscovery = typeof globalThis & { [DISCOVERY]?: CachedDiscovery };

/** A failed read is not kept, so the next sign-in tries again. */
async function configurationFor(settings: OidcSettings, now: number): Promise<oidc.Configuration> {
  const g = globalThis as GlobalWithDiscovery;
  const key = `${settings.issuer.href}\n${settings.clientId}`;
  const cached = g[DISCOVERY];
  if (cached && cached.key === key && now - cached.at < DISCOVERY_MAX_AGE_MS) return cached.configuration;
  const configuration = oidc.discovery(settings.issuer, settings.clientId, settings.clientSecret, undefined, {
    timeout: REQUEST_TIMEOUT_SECONDS,
    // Plain http only to an issuer on this machine (lib/config.ts refuses any other).
    execute: settings.insecureLoopback ? [oidc.allowInsecureRequests] : [],
  });
  const entry: CachedDiscovery = { key, at: now, configuration };
  g[DISCOVERY] = entry;
  configuration.catch(() => {
    if (g[DISCOVERY] === entry) g[DISCOVERY] = undefined;
  });
  return configuration;
}

interface SignInState {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
  startedAt: number;
}

function encodeState(value: SignInState): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function decodeState(cookie: string | undefined, now: number): SignInState | null {
  if (!cookie || cookie.length > 4_096) return null;
  try {
    const value = JSON.parse(Buffer.from(cookie, "base64url").toString("utf8")) as Partial<SignInState>;
    const { verifier, state, nonce, next, startedAt } = value;
    if (typeof verifier !== "string" || typeof state !== "string" || typeof nonce !== "string" || typeof next !== "string" || typeof startedAt !== "number") return null;
    if (now - startedAt > SIGN_IN_STATE_MAX_AGE_MS || startedAt > now + 60_000) return null;
    return { verifier, state, nonce, next, startedAt };
  } catch {
    return null;
  }
}

export async function startOidcSignIn(next: string, now = Date.now()): Promise<{ url: URL; stateCookie: string }> {
  const settings = oidcSettings();
  if (!settings) throw new OidcSignInError("sso_unavailable", "single sign-on is not configured");
  let configuration: oidc.Configuration;
  try {
    configuration = await configurationFor(settings, now);
  } catch (error) {
    throw new OidcSignInError("sso_unavailable", `discovery failed: ${describeOidcError(error)}`);
  }
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: settings.redirectUri.href,
    scope: SCOPE,
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url, stateCookie: encodeState({ verifier, state, nonce, next, startedAt: now }) };
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  role: Role | null;
  roleClaims: string[];
}

export async function finishOidcSignIn(callbackQuery: string, stateCookie: string | undefined, now = Date.now()): Promise<{ identity: OidcIdentity; next: string }> {
  const settings = oidcSettings();
  if (!settings) throw new OidcSignInError("sso_unavailable", "single sign-on is not configured");
  const saved = decodeState(stateCookie, now);
  if (!saved) throw new OidcSignInError("sso_expired", stateCookie ? "sign-in state cookie stale or malformed" : "no sign-in state cookie");
  let configuration: oidc.Configuration;
  try {
    configuration = await configurationFor(settings, now);
  } catch (error) {
    throw new OidcSignInError("sso_unavailable", `discovery failed: ${describeOidcError(error)}`);
  }
  // The redirect URI as registered, not as this server was addressed behind a proxy.
  const currentUrl = new URL(settings.redirectUri);
  currentUrl.search = callbackQuery;
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: saved.verifier,
      expectedState: saved.state,
      expectedNonce: saved.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (error) {
    throw new OidcSignInError(failureOf(error), describeOidcError(error));
  }
  if (!claims) throw new OidcSignInError("sso_rejected", "no ID token");
  const roleClaims = roleNames(claimAt(claims, settings.rolesClaim));
  return {
    next: saved.next,
    identity: {
      issuer: claims.iss,
      subject: claims.sub,
      email: stringClaim(claims.email) ?? emailLike(stringClaim(claims.preferred_username)),
      name: stringClaim(claims.name) ?? stringClaim(claims.preferred_username),
      role: highestRole(roleClaims),
      roleClaims,
    },
  };
}

function failureOf(error: unknown): OidcFailure {
  if (error instanceof oidc.AuthorizationResponseError) return "sso_denied";
  if (error instanceof oidc.ResponseBodyError) return error.status >= 500 ? "sso_unavailable" : "sso_rejected";
  if (error instanceof TypeError || (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError"))) return "sso_unavailable";
  return "sso_rejected";
}

export function describeOidcError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push([current.name, typeof code === "string" ? code : null, current.message].filter(Boolean).join(" "));
    if (current instanceof oidc.ResponseBodyError || current instanceof oidc.AuthorizationResponseError) parts.push(current.error);
    current = (current as { cause?: unknown }).cause;
  }
  if (parts.length === 0) return "unknown error";
  // Error codes (OAUTH_INVALID_RESPONSE) and class names stay; any other long run may be a code, a token or a key.
  return parts
    .join(": ")
    .replace(/[A-Za-z0-9_-]{20,}(\.[A-Za-z0-9_-]*)*/g, (run) => (/^[A-Z_]+$/.test(run) || /^[A-Za-z]{20,39}$/.test(run) ? run : "[…]"))
    .slice(0, 400);
}

const RANK: Record<Role, number> = { viewer: 1, technician: 2, admin: 3 };

/** The claim's value; a dotted name reaches into an object (Keycloak's `realm_access.roles`) when no claim has that exact name. */
function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split(".")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function roleNames(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(/[\s,]+/) : [];
  return list.filter((v): v is string => typeof v === "string" && v.length > 0 && v.length <= 100).slice(0, 50);
}

export function highestRole(names: readonly string[]): Role | null {
  let best: Role | null = null;
  for (const name of names) {
    const role = name.trim().toLowerCase();
    if (role === "admin" || role === "technician" || role === "viewer") {
      if (!best || RANK[role] > RANK[best]) best = role;
    }
  }
  return best;
}

function stringClaim(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim().slice(0, 320) : null;
}

function emailLike(value: string | null): string | null {
  return value && /^[^\s@]+@[^\s@]+$/.test(value) ? value : null;
}

export interface OidcSignInResult {
  user: User;
  created: boolean;
  previousRole?: Role | null;
  session: NewSessionResult | null;
}

/** An identity is issuer and subject, never the e-mail (a provider may let anyone set or reuse one): a new subject is a new user. */
export async function signInWithIdentity(
  db: Store,
  identity: OidcIdentity,
  client: { address: string | null; userAgent: string | null; previousToken?: string },
  now = Date.now(),
): Promise<OidcSignInResult> {
  let user = await findUserByIdentity(db, identity.issuer, identity.subject);
  let created = false;
  if (!user) {
    try {
      user = await db.transaction().execute(async (trx) => {
        const email = await unusedEmail(trx, identity);
        const fresh = await createUser(trx, { email, name: identity.name, role: identity.role, clientIds: identity.role === "viewer" ? [] : null }, now);
        await linkIdentity(trx, fresh.id, identity.issuer, identity.subject, now);
        return fresh;
      });
      created = true;
    } catch (error) {
      // The same person's sign-in in another tab may have created it a moment ago.
      user = await findUserByIdentity(db, identity.issuer, identity.subject);
      if (!user) throw error;
    }
  }
  let previousRole: Role | null | undefined;
  if (!created && user.role !== identity.role) {
    previousRole = user.role;
    await setUserRole(db, user.id, identity.role, identity.role === "viewer" && user.role === "viewer" ? user.clientIds : [], now);
    user = { ...user, role: identity.role, clientIds: identity.role === "viewer" ? (user.role === "viewer" ? user.clientIds : []) : null };
  }
  if (!created && identity.name && identity.name !== user.name) {
    await setUserName(db, user.id, identity.name, now);
    user = { ...user, name: identity.name };
  }
  if (user.disabledAt !== null) return { user, created, previousRole, session: null };
  const session = await createSession(db, user.id, client, now);
  return { user, created, previousRole, session };
}

/** Only a label (sign-in never looks it up), so an undeliverable placeholder stands in when the e-mail is missing or taken. */
async function unusedEmail(db: Store, identity: OidcIdentity): Promise<string> {
  if (identity.email && !(await findUserByEmail(db, identity.email))) return normaliseEmail(identity.email);
  return `sso-${hashToken(`${identity.issuer}\n${identity.subject}`).slice(0, 16).toLowerCase()}@users.invalid`;
}
