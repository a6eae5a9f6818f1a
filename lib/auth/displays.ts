import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { getAuthConfig } from "../config";
import type { Store } from "../store/db";
import { deletePairingCode, findLivePairingClaim, findLivePairingCode, insertPairingCode, bindPairingCode, type PairingLimits } from "../store/pairing-codes";
import { insertDisplay, setDisplayCredential, type DisplayRow } from "../store/displays";
import { hashToken, newToken } from "./tokens";

/** No 0/O, 1/I: a code is read off a wall across a room and typed by someone else. 32 letters, so each is 5 uniform bits. */
export const PAIRING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_TTL_MS = 15 * 60_000;
const MAX_PENDING_CODES = 1_000;
/** After its last use: a wall in use never has to pair again. */
export const DISPLAY_LIFETIME_MS = 365 * 24 * 60 * 60_000;
export const DISPLAY_TOUCH_EVERY_MS = 60_000;

export function newPairingCode(): string {
  const bytes = randomBytes(PAIRING_CODE_LENGTH);
  let code = "";
  for (const byte of bytes) code += PAIRING_ALPHABET[byte % PAIRING_ALPHABET.length];
  return code;
}

export function normalizePairingCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== PAIRING_CODE_LENGTH) return null;
  for (const c of code) if (!PAIRING_ALPHABET.includes(c)) return null;
  return code;
}

export type StartedPairing = { ok: true; code: string; claim: string; expiresAt: number } | { ok: false; reason: "address_limit" | "table_full" };

/** A new code for a wall, and the claim secret only that wall's browser will hold. */
export async function startPairing(db: Store, address: string | null, now = Date.now()): Promise<StartedPairing> {
  const limits: PairingLimits = { perAddress: getAuthConfig().pairingCodesPerAddress, maxRows: MAX_PENDING_CODES };
  for (let attempt = 0; ; attempt++) {
    const code = newPairingCode();
    const claim = newToken();
    const expiresAt = now + PAIRING_TTL_MS;
    try {
      const stored = await insertPairingCode(db, { codeHash: hashToken(code), claimHash: hashToken(claim), address, expiresAt }, limits, now);
      return stored.ok ? { ok: true, code, claim, expiresAt } : stored;
    } catch (error) {
      // A code already pending (one chance in a trillion): draw again.
      if (attempt >= 2) throw error;
    }
  }
}

export type PairingPoll = { status: "waiting"; expiresAt: number } | { status: "expired" } | { status: "paired"; displayId: string; token: string; expiresAt: number };

/** The credential is minted when the wall collects it, so none existed before that could be taken; the code is then used up. */
export async function pollPairing(db: Store, claim: string, address: string | null, now = Date.now()): Promise<PairingPoll> {
  const pending = await findLivePairingClaim(db, hashToken(claim), now);
  if (!pending) return { status: "expired" };
  if (pending.displayId === null) return { status: "waiting", expiresAt: pending.expiresAt };
  const token = newToken();
  const expiresAt = now + DISPLAY_LIFETIME_MS;
  const issued = await setDisplayCredential(db, pending.displayId, hashToken(token), expiresAt, now, address);
  await deletePairingCode(db, pending.codeHash);
  return issued ? { status: "paired", displayId: pending.displayId, token, expiresAt } : { status: "expired" };
}

export type PairResult = { ok: true; display: DisplayRow } | { ok: false; message: string };

export async function pairDisplay(
  db: Store,
  input: { code: string; name: string; clientIds: string[] | null; createdBy: string },
  now = Date.now(),
): Promise<PairResult> {
  const code = normalizePairingCode(input.code);
  const unknown = { ok: false, message: "No wall shows this code: it is mistyped, expired (codes last 15 minutes) or used already." } as const;
  if (!code) return unknown;
  const pending = await findLivePairingCode(db, hashToken(code), now);
  if (!pending || pending.displayId !== null) return unknown;
  const id = randomUUID();
  // The wall collects a fresh credential when it next asks; this one is never handed out.
  const expiresAt = now + DISPLAY_LIFETIME_MS;
  return db.transaction().execute(async (tx) => {
    await insertDisplay(tx, { id, hash: hashToken(newToken()), name: input.name, clientIds: input.clientIds, createdBy: input.createdBy, expiresAt }, now);
    if (!(await bindPairingCode(tx, pending.codeHash, id, now))) throw new Error("pairing code used meanwhile");
    return { ok: true, display: { id, name: input.name, clientIds: input.clientIds, expiresAt, lastSeenAt: null } } as const;
  }).catch(() => unknown);
}
