import { formatDateTime } from "../format";
import type { BackupSession } from "../types";

const COLUMNS: [string, (s: BackupSession, zone: string) => string | number | null][] = [
  ["session_id", (s) => s.sessionId],
  ["type", (s) => s.type],
  ["plugin", (s) => s.plugin],
  ["status", (s) => s.status],
  ["start_utc", (s) => s.start],
  ["end_utc", (s) => s.end],
  ["start_local", (s, zone) => (s.start ? formatDateTime(s.start, zone) : null)],
  ["end_local", (s, zone) => (s.end ? formatDateTime(s.end, zone) : null)],
  ["duration_seconds", (s) => s.durationSeconds],
  ["selection_size_bytes", (s) => s.selectionSize],
  ["selection_item_count", (s) => s.selectionItemCount],
  ["size_change_bytes", (s) => s.sizeChange],
  ["item_count_change", (s) => s.itemCountChange],
  ["removed_item_count", (s) => s.removedItemCount],
  ["processed_size_bytes", (s) => s.processedSize],
  ["processed_item_count", (s) => s.processedItemCount],
  ["transferred_size_bytes", (s) => s.transferredSize],
  ["error_count", (s) => s.errorCount],
  ["storage_account_id", (s) => s.storageAccountId],
];

/** A cell a spreadsheet would run as a formula (= + - @, tab, CR) gets an apostrophe; plain numbers pass. */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  let text = value;
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function sessionsToCsv(sessions: readonly BackupSession[], zone: string): string {
  const lines = [[...COLUMNS.map(([name]) => name.replace("_local", `_${zone.replace(/[^A-Za-z0-9]+/g, "_")}`))].join(",")];
  for (const s of sessions) lines.push(COLUMNS.map(([, read]) => csvCell(read(s, zone))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export function fileSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return slug || "device";
}
