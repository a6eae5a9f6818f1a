import type { BackupSession } from "../types";

const iso = (t: number) => new Date(t).toISOString().replace(/\.\d+Z$/, "Z");

/** A ten-minute backup session of one byte, for tests that care only about its time, plugin and outcome. */
export function testSession({ id, startMs, status = "COMPLETED", plugin = "FILE_SYSTEM", errorCount = 0 }: { id: string; startMs: number; status?: string; plugin?: string; errorCount?: number }): BackupSession {
  return {
    sessionId: id,
    type: "BACKUP",
    storageAccountId: "1",
    plugin,
    start: iso(startMs),
    end: iso(startMs + 600_000),
    durationSeconds: 600,
    selectionSize: 1,
    selectionItemCount: 1,
    sizeChange: 0,
    itemCountChange: 0,
    removedItemCount: 0,
    processedSize: 1,
    processedItemCount: 1,
    transferredSize: 1,
    errorCount,
    status,
  };
}
