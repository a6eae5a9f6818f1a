import "server-only";
import { announceSetupLink } from "../auth/setup";
import { describeError, log } from "../log";
import { getStore } from "../store/db";
import { pruneSessions } from "../store/sessions";

/** Ended sessions are kept this long (for the audit trail's sake), then deleted. */
const KEEP_ENDED_SESSIONS_MS = 30 * 86_400_000;

/** Opens the store at start (so a broken one shows in the log at once) and logs the first-admin link if needed. */
export async function startAuthAtBoot(): Promise<void> {
  try {
    const db = await getStore();
    await pruneSessions(db, KEEP_ENDED_SESSIONS_MS);
    await announceSetupLink(db);
  } catch (error) {
    log("error", "store.not_opened", { error: describeError(error) });
  }
}
