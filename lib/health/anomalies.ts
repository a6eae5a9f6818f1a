/** The quiet-failure rules (docs/alerts.md): a mark beside the health state, judged against the plugin's own history. */
import { formatBytes, formatDuration } from "../format";
import { pluginLabel } from "../session-status";
import type { BackupSession } from "../types";
import { DEFAULT_HEALTH_POLICY, graceFor, learnInterval, type HealthPolicy } from "./backup-health";

export const ANOMALY_RULES = ["nothing_transferred", "transfer_spike", "transfer_drop", "selection_shrank", "slow", "plugin_missing"] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

export interface Anomaly {
  plugin: string;
  rule: AnomalyRule;
  /** The session it was seen in (its start, as the history has it); null for a plugin that stopped appearing. */
  sessionStart: string | null;
  /** In words, with the figures, for the page, the wall and a message. */
  reason: string;
  observed: number | null;
  expected: number | null;
}

/** Fewer successful backups than this before a session: no verdict on it. */
export const MIN_HISTORY = 10;
/** The median is taken over at most this many successful backups before the session. */
export const HISTORY_WINDOW = 20;
/** Transferred more than this many times the median. */
export const TRANSFER_SPIKE_FACTOR = 3;
/** Transferred less than the median divided by this. */
export const TRANSFER_DROP_DIVISOR = 3;
/** The selection shrank by this share (in percent) or more since the previous successful backup. */
export const SELECTION_DROP_PERCENT = 30;
/** Took more than this many times the median duration. */
export const SLOW_FACTOR = 2;

const SUCCESS = new Set(["COMPLETED", "COMPLETED_WITH_ERRORS"]);

export interface AnomalyReport {
  /** Of each plugin's latest backup session, and the plugins that stopped appearing: what the fleet shows. */
  current: Anomaly[];
  /** By session id, for every successful backup with enough history before it: what the device page marks. */
  bySession: Map<string, Anomaly[]>;
}

export interface DetectOptions {
  now: number;
  policy?: HealthPolicy;
}

interface Usual {
  median: number;
  low: number;
  high: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.ceil(at);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

/** The median and the middle half (the spread) of what the plugin did. */
function usual(values: readonly number[]): Usual | null {
  if (values.length < MIN_HISTORY) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), low: quantile(sorted, 0.25), high: quantile(sorted, 0.75) };
}

const times = (ratio: number) => `${ratio >= 10 ? Math.round(ratio) : Math.round(ratio * 10) / 10} times`;

function bytesRange(u: Usual): string {
  return `usually ${formatBytes(u.low)} to ${formatBytes(u.high)}`;
}

function judgeSession(session: BackupSession, before: readonly BackupSession[], previous: BackupSession | undefined): Anomaly[] {
  const name = pluginLabel(session.plugin);
  const found: Anomaly[] = [];
  const make = (rule: AnomalyRule, reason: string, observed: number | null, expected: number | null) =>
    found.push({ plugin: session.plugin, rule, sessionStart: session.start, reason, observed, expected });

  const transferred = session.transferredSize;
  const transfers = usual(before.flatMap((s) => (s.transferredSize === null ? [] : [s.transferredSize])));
  // A plugin whose median is nothing (it usually finds nothing new) has no ratio to judge against.
  if (transferred !== null && transfers && transfers.median > 0) {
    const { median } = transfers;
    if (transferred === 0) {
      make("nothing_transferred", `${name} transferred nothing; its median is ${formatBytes(median)} (${bytesRange(transfers)}).`, 0, median);
    } else if (transferred > median * TRANSFER_SPIKE_FACTOR) {
      make("transfer_spike", `${name} transferred ${formatBytes(transferred)}, ${times(transferred / median)} its median of ${formatBytes(median)} (${bytesRange(transfers)}).`, transferred, median);
    } else if (transferred * TRANSFER_DROP_DIVISOR < median) {
      make("transfer_drop", `${name} transferred only ${formatBytes(transferred)}, under a third of its median of ${formatBytes(median)} (${bytesRange(transfers)}).`, transferred, median);
    }
  }

  const selection = session.selectionSize;
  const prior = previous?.selectionSize ?? null;
  // Integer arithmetic, so a drop of exactly 30 % is not lost to rounding.
  if (selection !== null && prior !== null && prior > 0 && (prior - selection) * 100 >= prior * SELECTION_DROP_PERCENT) {
    const percent = Math.floor(((prior - selection) / prior) * 100);
    make("selection_shrank", `${name}'s selection shrank by ${percent} % since the previous backup, from ${formatBytes(prior)} to ${formatBytes(selection)}.`, selection, prior);
  }

  const duration = session.durationSeconds;
  const durations = usual(before.flatMap((s) => (s.durationSeconds === null ? [] : [s.durationSeconds])));
  if (duration !== null && durations && durations.median > 0 && duration > durations.median * SLOW_FACTOR) {
    make(
      "slow",
      `${name} took ${formatDuration(duration)}, ${times(duration / durations.median)} its median of ${formatDuration(durations.median)} (usually ${formatDuration(durations.low)} to ${formatDuration(durations.high)}).`,
      duration,
      durations.median,
    );
  }
  return found;
}

const startMs = (s: BackupSession) => (s.start === null ? NaN : Date.parse(s.start));

function describeGap(ms: number): string {
  const days = ms / 86_400_000;
  return days >= 2 ? `${Math.floor(days)} days` : `${Math.max(1, Math.floor(ms / 3_600_000))} h`;
}

/** The rules of README "Quiet failures": each successful backup against the successful backups of its plugin before it. */
export function detectAnomalies(sessions: readonly BackupSession[], options: DetectOptions): AnomalyReport {
  const policy = options.policy ?? DEFAULT_HEALTH_POLICY;
  const byPlugin = new Map<string, BackupSession[]>();
  for (const s of sessions) {
    if (s.type !== "BACKUP" || s.start === null || Number.isNaN(startMs(s))) continue;
    const list = byPlugin.get(s.plugin);
    if (list) list.push(s);
    else byPlugin.set(s.plugin, [s]);
  }

  const bySession = new Map<string, Anomaly[]>();
  const current: Anomaly[] = [];
  const lastStarts = new Map<string, number>();
  for (const [plugin, list] of byPlugin) {
    const successes: BackupSession[] = [];
    for (const session of list) {
      if (!SUCCESS.has(session.status)) continue;
      if (successes.length >= MIN_HISTORY) {
        const found = judgeSession(session, successes.slice(-HISTORY_WINDOW), successes[successes.length - 1]);
        if (found.length) bySession.set(session.sessionId, found);
      }
      successes.push(session);
    }
    const latest = list[list.length - 1]!;
    current.push(...(bySession.get(latest.sessionId) ?? []));
    lastStarts.set(plugin, startMs(latest));
  }

  for (const [plugin, list] of byPlugin) {
    const successes = list.filter((s) => SUCCESS.has(s.status));
    if (successes.length < MIN_HISTORY) continue;
    const last = lastStarts.get(plugin)!;
    const interval = learnInterval(list.map(startMs), policy);
    const dueBy = last + interval + graceFor(interval);
    if (options.now <= dueBy) continue;
    // Only while another plugin ran after this one was due: a device that stopped altogether is the health rule's.
    const goingOn = [...lastStarts].filter(([other, at]) => other !== plugin && at > dueBy).map(([other]) => pluginLabel(other));
    if (!goingOn.length) continue;
    current.push({
      plugin,
      rule: "plugin_missing",
      sessionStart: null,
      reason: `${pluginLabel(plugin)} has not run for ${describeGap(options.now - last)} (usually every ${formatDuration(interval / 1000)}) while ${goingOn.join(", ")} ${goingOn.length === 1 ? "goes" : "go"} on.`,
      observed: options.now - last,
      expected: interval,
    });
  }
  return { current, bySession };
}
