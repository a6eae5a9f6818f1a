// An oracle written apart from lib/nsight/records.ts: the benchmark and a unit test check that our reader matches it exactly.
import { XMLParser } from "fast-xml-parser";
import { BACKUP_PLUGINS, SESSION_STATUSES, SESSION_TYPES, type BackupSession } from "../../lib/types";

type RawSession = Record<string, string | undefined>;

function num(value: string | undefined): number | null {
  if (value === undefined || value.trim() === "") return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

function utc(value: string | undefined): { iso: string | null; ms: number } {
  if (!value || value.startsWith("0000")) return { iso: null, ms: NaN };
  const ms = new Date(`${value.replace(" ", "T")}Z`).getTime();
  if (Number.isNaN(ms)) return { iso: null, ms };
  return { iso: new Date(ms).toISOString().slice(0, 19) + "Z", ms };
}

export function referenceParseSessions(xml: string): BackupSession[] {
  const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, isArray: (name) => name === "session", trimValues: true });
  const doc = parser.parse(xml) as { result?: { session?: RawSession[] } };
  const raw = doc.result?.session ?? [];
  const sessions = raw.map((s): BackupSession => {
    const start = utc(s.start);
    const end = utc(s.end);
    const type = s.type ?? "";
    const plugin = s.plugin ?? "";
    const status = s.status ?? "";
    const session: BackupSession = {
      sessionId: String(s.session_id),
      type,
      storageAccountId: s.storage_account_id ? String(s.storage_account_id) : null,
      plugin,
      start: start.iso,
      end: end.iso,
      durationSeconds: start.iso && end.iso && end.ms >= start.ms ? (end.ms - start.ms) / 1000 : null,
      selectionSize: num(s.selection_size),
      selectionItemCount: num(s.selection_item_count),
      sizeChange: num(s.size_change),
      itemCountChange: num(s.item_count_change),
      removedItemCount: num(s.removed_item_count),
      processedSize: num(s.processed_size),
      processedItemCount: num(s.processed_item_count),
      transferredSize: num(s.transferred_size),
      errorCount: num(s.error_count),
      status,
    };
    const unknown = (
      [
        ["type", (SESSION_TYPES as readonly string[]).includes(type)],
        ["plugin", (BACKUP_PLUGINS as readonly string[]).includes(plugin)],
        ["status", (SESSION_STATUSES as readonly string[]).includes(status)],
      ] as const
    )
      .filter(([, known]) => !known)
      .map(([field]) => field);
    if (unknown.length > 0) session.unknownValues = [...unknown];
    return session;
  });
  return sessions.sort((a, b) => {
    if (a.start === b.start) return a.sessionId.length - b.sessionId.length || a.sessionId.localeCompare(b.sessionId);
    if (a.start === null) return 1;
    if (b.start === null) return -1;
    return a.start < b.start ? -1 : 1;
  });
}
