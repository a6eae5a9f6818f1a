import "server-only";
import { getAuthConfig } from "../config";
import type { Store } from "../store/db";
import { clearLoginFailures, lockedUntil, recordLoginFailure, type FailurePolicy } from "../store/login-failures";
import { findUserByEmail, getPasswordHash, normaliseEmail } from "../store/users";
import { MAX_PASSWORD_LENGTH, verifyNothing, verifyPassword } from "./passwords";
import { createSession, type NewSessionResult } from "./sessions";

const WINDOW_MS = 15 * 60_000;
/** An address may fail this many times more than one account (several people behind one NAT). */
const ADDRESS_FACTOR = 5;
const MAX_FAILURE_ROWS = 10_000;

export type SignInResult =
  | { ok: true; userId: string; session: NewSessionResult }
  /** The same answer for an unknown e-mail, a wrong password, a disabled user or no password at all. */
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; until: number };

function policies(): { account: FailurePolicy; address: FailurePolicy } {
  const { loginMaxFailures, loginLockMs } = getAuthConfig();
  const base = { windowMs: WINDOW_MS, lockMs: loginLockMs, maxRows: MAX_FAILURE_ROWS };
  return { account: { ...base, maxFailures: loginMaxFailures }, address: { ...base, maxFailures: loginMaxFailures * ADDRESS_FACTOR } };
}

/** Locked accounts and addresses are refused before the password is looked at. */
export async function signInWithPassword(
  db: Store,
  input: { email: string; password: string; address: string | null; userAgent: string | null; previousToken?: string },
  now = Date.now(),
): Promise<SignInResult> {
  const email = normaliseEmail(input.email).slice(0, 320);
  const accountKey = `account:${email}`;
  const addressKey = input.address ? `address:${input.address}` : null;
  const locks = await Promise.all([lockedUntil(db, accountKey, now), addressKey ? lockedUntil(db, addressKey, now) : null]);
  const locked = Math.max(locks[0] ?? 0, locks[1] ?? 0);
  if (locked > now) return { ok: false, reason: "locked", until: locked };

  const password = input.password.slice(0, MAX_PASSWORD_LENGTH + 1);
  const user = email ? await findUserByEmail(db, email) : null;
  const hash = user ? await getPasswordHash(db, user.id) : null;
  const valid = hash ? await verifyPassword(hash, password) : (await verifyNothing(password), false);
  if (!valid || !user || user.disabledAt !== null) {
    const { account, address } = policies();
    const failures = await Promise.all([recordLoginFailure(db, accountKey, account, now), addressKey ? recordLoginFailure(db, addressKey, address, now) : null]);
    const until = Math.max(failures[0].lockedUntil ?? 0, failures[1]?.lockedUntil ?? 0);
    return until > now ? { ok: false, reason: "locked", until } : { ok: false, reason: "invalid" };
  }
  await clearLoginFailures(db, accountKey);
  const session = await createSession(db, user.id, { address: input.address, userAgent: input.userAgent, previousToken: input.previousToken }, now);
  return { ok: true, userId: user.id, session };
}
