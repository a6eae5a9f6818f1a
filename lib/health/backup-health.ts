/** One rule on every page; "successful" is COMPLETED or COMPLETED_WITH_ERRORS (data did reach storage). Restores do not count. */
import type { BackupSession } from "../types";

export type HealthState = "failed" | "overdue" | "warning" | "ok";
export type DeviceHealthState = HealthState | "off" | "unknown";

export const HEALTH_ORDER: DeviceHealthState[] = ["failed", "overdue", "warning", "unknown", "ok", "off"];

export const HEALTH_DESCRIPTIONS: Record<DeviceHealthState, string> = {
  failed: "The latest backup of a plugin failed.",
  overdue: "No successful backup within the plugin's usual rhythm (learned from its history) plus a grace period, or within the maximum age.",
  warning: "The latest backup completed with errors, was interrupted, canceled or did not start.",
  ok: "Every plugin's latest backup succeeded, on time.",
  off: "Backup & Recovery is not enabled on the device.",
  unknown: "The device's backup history has not been read from N-sight yet, or could not be read.",
};

export interface HealthPolicy {
  maxAgeMs: number;
  defaultIntervalMs: number;
  rhythmWindow: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = {
  maxAgeMs: 7 * 86_400_000,
  defaultIntervalMs: 86_400_000,
  rhythmWindow: 20,
};

const WARNING_STATUSES = new Set(["COMPLETED_WITH_ERRORS", "INTERRUPTED", "CANCELED", "NOT_STARTED"]);
const SUCCESS_STATUSES = new Set(["COMPLETED", "COMPLETED_WITH_ERRORS"]);

/** The rule's notion of a good backup, for figures that count them (the client report). */
export function isSuccessfulStatus(status: string): boolean {
  return SUCCESS_STATUSES.has(status);
}

export interface PluginHealth {
  plugin: string;
  state: HealthState;
  lastStatus: string;
  lastStart: string | null;
  lastEnd: string | null;
  lastTransferred: number | null;
  lastSuccessAt: string | null;
  failedInARow: number;
  failingSince: string | null;
  intervalMs: number;
  dueBy: string;
}

export interface DeviceHealth {
  state: DeviceHealthState;
  plugins: PluginHealth[];
  sentence: string;
  lastSuccessAt: string | null;
  worstPlugin: string | null;
  since: string | null;
}

const ms = (iso: string | null) => (iso ? Date.parse(iso) : NaN);

export function learnInterval(starts: number[], policy: HealthPolicy): number {
  const recent = starts.slice(-policy.rhythmWindow - 1);
  const gaps: number[] = [];
  for (let i = 1; i < recent.length; i++) {
    const gap = recent[i]! - recent[i - 1]!;
    if (gap > 60_000) gaps.push(gap);
  }
  if (gaps.length < 2) return policy.defaultIntervalMs;
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1]!;
}

/** How late a plugin may be: about a quarter of its rhythm, at least two hours. */
export function graceFor(intervalMs: number): number {
  return Math.max(intervalMs / 4, 2 * 3_600_000);
}

function pluginHealth(plugin: string, sessions: BackupSession[], now: number, policy: HealthPolicy): PluginHealth {
  const dated = sessions.filter((s) => s.start !== null);
  const last = dated[dated.length - 1] ?? sessions[sessions.length - 1]!;
  let failedInARow = 0;
  let failingSince: string | null = null;
  for (let i = dated.length - 1; i >= 0 && dated[i]!.status === "FAILED"; i--) {
    failedInARow++;
    failingSince = dated[i]!.start;
  }
  let lastSuccess: BackupSession | undefined;
  for (let i = dated.length - 1; i >= 0; i--) {
    if (SUCCESS_STATUSES.has(dated[i]!.status)) {
      lastSuccess = dated[i];
      break;
    }
  }
  const lastSuccessAt = lastSuccess ? (lastSuccess.end ?? lastSuccess.start) : null;
  const intervalMs = learnInterval(
    dated.map((s) => ms(s.start)),
    policy,
  );
  // Without any success, the clock starts at the first attempt.
  const reference = lastSuccessAt ? ms(lastSuccessAt) : ms(dated[0]?.start ?? null);
  const allowed = Math.min(intervalMs + graceFor(intervalMs), policy.maxAgeMs);
  const dueByMs = Number.isNaN(reference) ? now : reference + allowed;

  let state: HealthState;
  if (last.status === "FAILED") state = "failed";
  else if (now > dueByMs) state = "overdue";
  else if (WARNING_STATUSES.has(last.status)) state = "warning";
  else if (SUCCESS_STATUSES.has(last.status)) state = "ok";
  else state = "warning"; // an unknown status is not evidence of success

  return {
    plugin,
    state,
    lastStatus: last.status,
    lastStart: last.start,
    lastEnd: last.end,
    lastTransferred: last.transferredSize,
    lastSuccessAt,
    failedInARow,
    failingSince,
    intervalMs,
    dueBy: new Date(dueByMs).toISOString(),
  };
}

const STATE_RANK: Record<HealthState, number> = { failed: 0, overdue: 1, warning: 2, ok: 3 };

function describeAge(msAgo: number): string {
  const hours = msAgo / 3_600_000;
  if (hours < 1) return `${Math.max(1, Math.round(msAgo / 60_000))} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}

const STATUS_WORDS: Record<string, string> = {
  COMPLETED_WITH_ERRORS: "completed with errors",
  INTERRUPTED: "was interrupted",
  CANCELED: "was canceled",
  NOT_STARTED: "did not start",
};

function sentenceFor(worst: PluginHealth | undefined, plugins: PluginHealth[], now: number, format: (iso: string) => string): string {
  const formatDate = (iso: string | null) => (iso ? format(iso) : "an unknown time");
  if (!worst) return "No backups recorded for this device yet.";
  switch (worst.state) {
    case "failed":
      return worst.failedInARow === 1
        ? `${worst.plugin}'s latest backup failed (${formatDate(worst.failingSince)}).`
        : `${worst.plugin} has failed ${worst.failedInARow} times in a row since ${formatDate(worst.failingSince)}.`;
    case "overdue":
      return worst.lastSuccessAt
        ? `${worst.plugin} is overdue: last successful backup ${describeAge(now - ms(worst.lastSuccessAt))} ago (${formatDate(worst.lastSuccessAt)}).`
        : `${worst.plugin} is overdue: it has never completed a backup.`;
    case "warning":
      return `${worst.plugin}'s latest backup ${STATUS_WORDS[worst.lastStatus] ?? `ended ${worst.lastStatus}`} (${formatDate(worst.lastStart ?? worst.lastEnd)}).`;
    case "ok": {
      const oldest = Math.min(...plugins.map((p) => ms(p.lastSuccessAt)));
      const window = now - oldest <= 86_400_000 ? "in the last 24 h" : `within ${describeAge(now - oldest)}`;
      return plugins.length === 1 ? `${worst.plugin} backed up ${window}.` : `All ${plugins.length} plugins backed up ${window}.`;
    }
  }
}

export interface AssessOptions {
  now: number;
  policy?: HealthPolicy;
  formatDate?: (iso: string) => string;
}

export function assessDevice(sessions: readonly BackupSession[], options: AssessOptions): DeviceHealth {
  const policy = options.policy ?? DEFAULT_HEALTH_POLICY;
  const formatDate = options.formatDate ?? ((iso: string) => iso);
  const byPlugin = new Map<string, BackupSession[]>();
  for (const s of sessions) {
    if (s.type !== "BACKUP") continue;
    const list = byPlugin.get(s.plugin);
    if (list) list.push(s);
    else byPlugin.set(s.plugin, [s]);
  }
  const plugins = [...byPlugin.entries()]
    .map(([plugin, list]) => pluginHealth(plugin, list, options.now, policy))
    .sort((a, b) => STATE_RANK[a.state] - STATE_RANK[b.state] || b.failedInARow - a.failedInARow || a.plugin.localeCompare(b.plugin));
  const worst = plugins[0];
  const successes = plugins.map((p) => ms(p.lastSuccessAt)).filter((t) => !Number.isNaN(t));
  return {
    // A device with B&R on but no backup at all has nothing protecting it: overdue.
    state: worst?.state ?? "overdue",
    plugins,
    sentence: sentenceFor(worst, plugins, options.now, formatDate),
    lastSuccessAt: successes.length ? new Date(Math.max(...successes)).toISOString() : null,
    worstPlugin: worst?.plugin ?? null,
    since: worst?.state === "failed" ? worst.failingSince : worst?.state === "warning" ? worst.lastStart : worst?.state === "overdue" ? worst.dueBy : null,
  };
}
