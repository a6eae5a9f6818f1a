/** Pure: whether a device's alerts are held at an instant, by a snooze or a client's weekly maintenance window. */
import type { MaintenanceWindowRow, SnoozeRow } from "../store/snoozes";
import { zonedParts, zonedTimeToUtc } from "../time/zone";

export const MAX_WINDOW_MINUTES = 7 * 24 * 60;

const DAY = 86_400_000;

/** ISO weekday (1 Monday … 7 Sunday) of a calendar date. */
function isoWeekday(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return ((d.getUTCDay() + 6) % 7) + 1;
}

/**
 * When the window running at `now` ends, or null. A window opens at its local start time on each
 * listed weekday, in the client's zone (a start that DST skips opens at the jump), and lasts its
 * duration in real minutes.
 */
export function maintenanceEndsAt(window: MaintenanceWindowRow, zone: string, now: number): number | null {
  if (window.weekdays.length === 0 || window.durationMinutes <= 0) return null;
  const duration = Math.min(window.durationMinutes, MAX_WINDOW_MINUTES) * 60_000;
  const hour = Math.floor(window.startMinute / 60);
  const minute = window.startMinute % 60;
  let latestEnd: number | null = null;
  // Local dates from today back far enough for the longest window to still be running.
  for (let back = 0; back <= Math.ceil(duration / DAY) + 1; back++) {
    const p = zonedParts(now - back * DAY, zone);
    if (!window.weekdays.includes(isoWeekday(p.year, p.month, p.day))) continue;
    const start = zonedTimeToUtc(p.year, p.month, p.day, hour, zone, minute);
    const end = start + duration;
    if (start <= now && now < end && (latestEnd === null || end > latestEnd)) latestEnd = end;
  }
  return latestEnd;
}

export interface QuietState {
  quiet: boolean;
  /** What holds it (the one ending last when several do). */
  by: { kind: "snooze"; snooze: SnoozeRow } | { kind: "maintenance"; window: MaintenanceWindowRow } | null;
  until: number | null;
}

export const NOT_QUIET: QuietState = { quiet: false, by: null, until: null };

export function quietState(
  device: { deviceId: string; clientId: string },
  snoozes: readonly SnoozeRow[],
  windows: readonly MaintenanceWindowRow[],
  clientZone: string,
  now: number,
): QuietState {
  let best: QuietState = NOT_QUIET;
  for (const snooze of snoozes) {
    if (snooze.endedAt !== null || snooze.until <= now || snooze.createdAt > now) continue;
    const applies = snooze.scope === "device" ? snooze.targetId === device.deviceId : snooze.targetId === device.clientId;
    if (applies && (best.until === null || snooze.until > best.until)) best = { quiet: true, by: { kind: "snooze", snooze }, until: snooze.until };
  }
  for (const window of windows) {
    if (window.clientId !== device.clientId) continue;
    const end = maintenanceEndsAt(window, clientZone, now);
    if (end !== null && (best.until === null || end > best.until)) best = { quiet: true, by: { kind: "maintenance", window }, until: end };
  }
  return best;
}
