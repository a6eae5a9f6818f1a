/** The quiet-failure rules (docs/alerts.md): a mark beside the health state, judged against the plugin's own history. */
import { formatBytes, formatDuration } from "../format";
import { pluginLabel } from "../session-status";
import type { BackupSession } from "../types";
import { DEFAULT_HEALTH_POLICY, graceFor, learnInterval, type HealthPolicy } from "./backup-health";

export const ANOMALY_RULES = ["nothing_transferred", "transfer_spike", "transfer_drop", "selection_shrank", "slow", "plugin_missing"] as const;
export type AnomalyRule = (typeof ANOMALY_RULES)[number];

/** Short names for a table cell; the reason says the rest. */
export const ANOMALY_LABELS: Record<AnomalyRule, string> = {
  nothing_transferred: "Nothing transferred",
  transfer_spike: "Transfer spike",
  transfer_drop: "Transfer drop",
  selection_shrank: "Selection shrank",
  slow: "Slow",
  plugin_missing: "Plugin missing",
};

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
  /** Sessions to judge besides each plugin's latest (default: every one); the fleet needs only the latest. */
  judge?: (session: BackupSession) => boolean;
}

interface Usual {
  median: number;
  low: number;
  high: number;
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.ceil(at);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

interface Dated {
  session: BackupSession;
  at: number;
}

/** The median and the middle half (the spread) of what the plugin did. */
function usual(window: readonly Dated[], figure: (s: BackupSession) => number | null): Usual | null {
  const values: number[] = [];
  for (const { session } of window) {
    const value = figure(session);
    if (value !== null) values.push(value);
  }
  if (values.length < MIN_HISTORY) return null;
  const sorted = Float64Array.from(values).sort();
  return { median: quantile(sorted, 0.5), low: quantile(sorted, 0.25), high: quantile(sorted, 0.75) };
}

const times = (ratio: number) => `${ratio >= 10 ? Math.round(ratio) : Math.round(ratio * 10) / 10} times`;

function bytesRange(u: Usual): string {
  return `usually ${formatBytes(u.low)} to ${formatBytes(u.high)}`;
}


/** After a longer gap than usual (a laptop off for the weekend) more piles up: the expected transfer and duration grow with it. */
function catchUpFactor(at: number, before: readonly Dated[]): number {
  if (before.length < 2) return 1;
  const gaps = new Float64Array(before.length - 1);
  for (let i = 1; i < before.length; i++) gaps[i - 1] = before[i]!.at - before[i - 1]!.at;
  const usualGap = quantile(gaps.sort(), 0.5);
  if (usualGap <= 0) return 1;
  return Math.max(1, (at - before[before.length - 1]!.at) / usualGap);
}

function judgeSession({ session, at }: Dated, window: readonly Dated[]): Anomaly[] {
  const previous = window[window.length - 1]?.session;
  const name = pluginLabel(session.plugin);
  const found: Anomaly[] = [];
  const make = (rule: AnomalyRule, reason: string, observed: number | null, expected: number | null) =>
    found.push({ plugin: session.plugin, rule, sessionStart: session.start, reason, observed, expected });

  const catchUp = catchUpFactor(at, window);
  const transferred = session.transferredSize;
  const transfers = usual(window, (s) => s.transferredSize);
  // A plugin whose median is nothing (it usually finds nothing new) has no ratio to judge against.
  if (transferred !== null && transfers && transfers.median > 0) {
    const { median } = transfers;
    if (transferred === 0) {
      make("nothing_transferred", `${name} transferred nothing; its median is ${formatBytes(median)} (${bytesRange(transfers)}).`, 0, median);
    } else if (transferred > median * catchUp * TRANSFER_SPIKE_FACTOR) {
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
  const durations = usual(window, (s) => s.durationSeconds);
  if (duration !== null && durations && durations.median > 0 && duration > durations.median * catchUp * SLOW_FACTOR) {
    make(
      "slow",
      `${name} took ${formatDuration(duration)}, ${times(duration / durations.median)} its median of ${formatDuration(durations.median)} (usually ${formatDuration(durations.low)} to ${formatDuration(durations.high)}).`,
      duration,
      durations.median,
    );
  }
  return found;
}

function describeGap(ms: number): string {
  const days = ms / 86_400_000;
  return days >= 2 ? `${Math.round(days)} days` : `${Math.max(1, Math.round(ms / 3_600_000))} h`;
}

/** The rules of README "Quiet failures": each successful backup against the successful backups of its plugin before it. */
export function detectAnomalies(sessions: readonly BackupSession[], options: DetectOptions): AnomalyReport {
  const policy = options.policy ?? DEFAULT_HEALTH_POLICY;
  const byPlugin = new Map<string, Dated[]>();
  for (const session of sessions) {
    const at = session.type === "BACKUP" && session.start !== null ? Date.parse(session.start) : NaN;
    if (Number.isNaN(at)) continue;
    const list = byPlugin.get(session.plugin);
    if (list) list.push({ session, at });
    else byPlugin.set(session.plugin, [{ session, at }]);
  }

  const bySession = new Map<string, Anomaly[]>();
  const current: Anomaly[] = [];
  const lastStarts = new Map<string, number>();
  const learned = new Set<string>();
  for (const [plugin, list] of byPlugin) {
    const successes: Dated[] = [];
    const latest = list[list.length - 1]!;
    for (const dated of list) {
      if (!SUCCESS.has(dated.session.status)) continue;
      if (successes.length >= MIN_HISTORY && (dated === latest || !options.judge || options.judge(dated.session))) {
        const found = judgeSession(dated, successes.slice(-HISTORY_WINDOW));
        if (found.length) bySession.set(dated.session.sessionId, found);
      }
      successes.push(dated);
    }
    current.push(...(bySession.get(latest.session.sessionId) ?? []));
    lastStarts.set(plugin, latest.at);
    if (successes.length >= MIN_HISTORY) learned.add(plugin);
  }

  for (const [plugin, list] of byPlugin) {
    if (!learned.has(plugin)) continue;
    const last = lastStarts.get(plugin)!;
    // learnInterval reads only the last rhythmWindow gaps.
    const interval = learnInterval(list.slice(-policy.rhythmWindow - 1).map((d) => d.at), policy);
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
