import "server-only";
import { describeError, log } from "../log";
import { writeAudit, type NewAuditEntry } from "../store/audit";
import { getStore } from "../store/db";
import { actorOf, type Principal } from "./principal";

/** A failure to write is logged, never shown: the action it records has already happened. */
export async function audit(actor: Principal | string, entry: Omit<NewAuditEntry, "actor">): Promise<void> {
  try {
    await writeAudit(await getStore(), { ...entry, actor: typeof actor === "string" ? actor : actorOf(actor) });
  } catch (error) {
    log("error", "audit.write_failed", { action: entry.action, error: describeError(error) });
  }
}
