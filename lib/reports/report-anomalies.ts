import { detectAnomalies, type Anomaly } from "../health/anomalies";
import type { BackupSession } from "../types";
import type { MonthBounds } from "./client-report";

/**
 * The quiet failures (lib/health/anomalies.ts) of the month's sessions, each judged against its plugin's history before it.
 * A plugin that stopped appearing is a state of now, not of a month: it is not listed here.
 */
export function reportAnomalies(sessions: readonly BackupSession[], bounds: MonthBounds, now: number): Anomaly[] {
  const inMonth = (s: BackupSession) => {
    const at = s.start === null ? NaN : Date.parse(s.start);
    return at >= bounds.from && at < bounds.to;
  };
  const { bySession } = detectAnomalies(sessions, { now, judge: inMonth });
  return sessions.filter(inMonth).flatMap((s) => bySession.get(s.sessionId) ?? []);
}
