/** A device's backup history: slot k draws from hash(seed, device, plugin, k), so a later clock never changes earlier sessions. */
import type { FleetDevice } from "./fleet";
import { Lru } from "./lru";
import { Rng, hash32, hashWith } from "./prng";
import { BACKUP_PLUGINS, type BackupPlugin, type BackupProfile, type PluginSchedule, type Quirk, type SessionStatus } from "./profiles";
import { DAY, HOUR, MINUTE, SECOND } from "./time";

export interface Session {
  sessionId: string;
  type: "BACKUP" | "RESTORE";
  storageAccountId: string;
  plugin: BackupPlugin;
  startMs: number;
  endMs: number;
  selectionSize: number;
  selectionItemCount: number;
  /** Absolute difference to the previous selection of this plugin (N-sight gives no sign). */
  sizeChange: number;
  itemCountChange: number;
  removedItemCount: number;
  processedSize: number;
  processedItemCount: number;
  transferredSize: number;
  errorCount: number;
  status: SessionStatus;
}

const YEAR = 365.25 * DAY;
const DAILY_MAX_DURATION = 20 * HOUR;
const RESTORE_CODE = 9;
const RESTORE_BLOCK = 45 * DAY;
/** Histories run this far past now, so one is rebuilt at most every two days. */
const AHEAD = 2 * DAY;
/** Memo budget, in sessions (about 300 bytes each). */
const MAX_CACHED_SESSIONS = 400_000;

const PLUGIN_CODE: Record<BackupPlugin, number> = Object.fromEntries(BACKUP_PLUGINS.map((p, i) => [p, i])) as Record<BackupPlugin, number>;

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

function sessionId(slotMs: number, device: FleetDevice, code: number): string {
  return String(Math.floor(slotMs / MINUTE) * 1_000_000 + device.ordinal * 10 + code);
}

function overrideAt(schedule: PluginSchedule, slotMs: number): SessionStatus | undefined {
  for (const o of schedule.overrides) if (slotMs >= o.fromMs && slotMs < o.toMs) return o.status;
  return undefined;
}

function quirkAt(schedule: PluginSchedule, slotMs: number): Quirk | undefined {
  for (const q of schedule.quirks) if (slotMs >= q.fromMs && slotMs < q.toMs) return q;
  return undefined;
}

function completedShare(status: SessionStatus, u: number): number {
  switch (status) {
    case "COMPLETED":
      return 1;
    case "COMPLETED_WITH_ERRORS":
      return 1 - 0.02 * u;
    case "INTERRUPTED":
    case "CANCELED":
      return 0.05 + 0.85 * u;
    case "FAILED":
      return 0.3 * u;
    case "NOT_STARTED":
      return 0;
  }
}

function pluginHistory(device: FleetDevice, profile: BackupProfile, schedule: PluginSchedule, horizonMs: number): Session[] {
  const out: Session[] = [];
  const period = schedule.periodMs;
  const code = PLUGIN_CODE[schedule.plugin];
  const firstK = Math.ceil((schedule.fromMs - schedule.phaseMs) / period);
  const lastK = Math.floor((Math.min(horizonMs, schedule.untilMs ?? Infinity) - schedule.phaseMs) / period);
  const periodYears = period / YEAR;
  const volatility = 0.002 * Math.sqrt(period / DAY);
  const maxDurationMs = period >= DAY ? DAILY_MAX_DURATION : period * 0.8;
  const laptop = device.role === "laptop";
  const rel = profile.reliability;
  const pFail = 0.012 * rel;
  const pErrors = pFail + 0.05 * rel;
  const pInterrupted = pErrors + 0.012 * rel * (laptop ? 2.5 : 1);
  const pNotStarted = pInterrupted + 0.006 * rel;
  const pCanceled = pNotStarted + 0.004;

  let selection = schedule.selectionBytes;
  let items = schedule.items;
  let prevSelection = -1;
  let prevItems = -1;
  let needFull = true;
  let pending = 0;
  let streak = 0;
  const slotBase = hash32(device.seed, device.id, code);
  const r = new Rng(0);

  for (let k = firstK; k <= lastK; k++) {
    if (schedule.maxSessions !== null && out.length >= schedule.maxSessions) break;
    const slotMs = k * period + schedule.phaseMs;
    r.reseed(hashWith(slotBase, k));

    const drift = schedule.growthPerYear * periodYears + volatility * r.gauss();
    const quirk = quirkAt(schedule, slotMs);
    selection *= Math.exp(drift) * (quirk?.selection ?? 1);
    if (r.chance(0.002)) selection *= r.range(0.85, 0.97);
    if (!schedule.itemsFixed) items = Math.max(1, Math.round(items * Math.exp(drift + 0.0005 * r.gauss())));
    else if (r.chance(0.003)) items = Math.max(1, items + (r.chance(0.7) ? 1 : -1));
    let rate = clamp(r.logNormal(schedule.changeRate, 0.5), 0.002, 0.03);
    if (r.chance(0.02)) rate = Math.min(0.35, rate * r.range(4, 15));
    pending += selection * rate;

    const weekday = (Math.floor(slotMs / DAY) + 4) % 7; // 1970-01-01 was a Thursday
    const skipRate = profile.skipRate + (weekday === 0 || weekday === 6 ? profile.weekendSkipRate : 0);
    const skipped = r.chance(skipRate);
    const x = r.float();
    const u = r.float();
    const w = r.float();
    const jitterS = r.int(0, 90);
    if (skipped) continue;

    let status: SessionStatus;
    if (streak > 0) {
      // Failures come in runs: whatever broke usually stays broken for a few days.
      streak--;
      status = x < 0.85 ? "FAILED" : x < 0.95 ? "INTERRUPTED" : "NOT_STARTED";
    } else if (x < pFail) {
      status = "FAILED";
      streak = Math.min(8, Math.floor(Math.log(1 - u) / Math.log(0.55)));
    } else if (x < pErrors) status = "COMPLETED_WITH_ERRORS";
    else if (x < pInterrupted) status = "INTERRUPTED";
    else if (x < pNotStarted) status = "NOT_STARTED";
    else if (x < pCanceled) status = "CANCELED";
    else status = "COMPLETED";
    const forced = overrideAt(schedule, slotMs);
    if (forced) {
      status = forced;
      if (forced !== "FAILED") streak = 0;
    }

    const startMs = slotMs + jitterS * SECOND;
    const id = sessionId(slotMs, device, code);
    if (status === "NOT_STARTED") {
      // Nothing was scanned or sent; N-sight reports zeros and start = end.
      out.push({
        sessionId: id,
        type: "BACKUP",
        storageAccountId: profile.storageAccountId,
        plugin: schedule.plugin,
        startMs,
        endMs: startMs,
        selectionSize: 0,
        selectionItemCount: 0,
        sizeChange: 0,
        itemCountChange: 0,
        removedItemCount: 0,
        processedSize: 0,
        processedItemCount: 0,
        transferredSize: 0,
        errorCount: 0,
        status,
      });
      continue;
    }

    const selectionSize = Math.round(selection);
    const share = completedShare(status, u);
    const toSend = needFull ? selection : pending;
    const transferredSize = Math.round(toSend * schedule.compression * share * (quirk?.transfer ?? 1));
    const errorCount =
      status === "COMPLETED_WITH_ERRORS"
        ? Math.min(5000, 1 + Math.floor(r.logNormal(3, 1.2)))
        : status === "FAILED"
          ? 1 + Math.floor(w * 4)
          : 0;
    const processedItemCount = Math.max(0, Math.round(items * share) - (status === "COMPLETED_WITH_ERRORS" ? errorCount : 0));
    const succeeded = status === "COMPLETED" || status === "COMPLETED_WITH_ERRORS";
    let removedItemCount = 0;
    if (succeeded && prevItems >= 0) {
      removedItemCount = Math.max(0, prevItems - items);
      if (!schedule.itemsFixed && r.chance(0.1)) removedItemCount += r.int(1, 200);
    }

    const scanS = 15 + 60 * w + processedItemCount * schedule.secondsPerItem;
    const sendS = (transferredSize / profile.throughput) * (0.8 + 0.5 * u);
    const durationMs = Math.min(maxDurationMs, Math.round((scanS + sendS) * (quirk?.duration ?? 1)) * SECOND);

    out.push({
      sessionId: id,
      type: "BACKUP",
      storageAccountId: profile.storageAccountId,
      plugin: schedule.plugin,
      startMs,
      endMs: startMs + durationMs,
      selectionSize,
      selectionItemCount: items,
      sizeChange: prevSelection < 0 ? selectionSize : Math.abs(selectionSize - prevSelection),
      itemCountChange: prevItems < 0 ? items : Math.abs(items - prevItems),
      removedItemCount,
      processedSize: Math.round(selection * share),
      processedItemCount,
      transferredSize,
      errorCount,
      status,
    });
    prevSelection = selectionSize;
    prevItems = items;
    if (succeeded) {
      needFull = false;
      pending = 0;
    }
  }
  return out;
}

function restoreHistory(device: FleetDevice, profile: BackupProfile, horizonMs: number): Session[] {
  const out: Session[] = [];
  if (profile.restoreRate <= 0 || profile.plugins.length === 0) return out;
  const fromMs = Math.min(...profile.plugins.map((p) => p.fromMs));
  const untilMs = Math.min(horizonMs, ...profile.plugins.map((p) => p.untilMs ?? Infinity));
  const blockBase = hash32(device.seed, device.id, "restore");
  for (let b = Math.floor(fromMs / RESTORE_BLOCK); b <= Math.floor(untilMs / RESTORE_BLOCK); b++) {
    const r = Rng.slot(blockBase, b);
    if (!r.chance(profile.restoreRate)) continue;
    const slotMs = b * RESTORE_BLOCK + Math.floor((r.float() * RESTORE_BLOCK) / MINUTE) * MINUTE;
    const active = profile.plugins.filter((p) => p.fromMs + DAY <= slotMs);
    if (slotMs > untilMs || active.length === 0) continue;
    const fileSystem = active.find((p) => p.plugin === "FILE_SYSTEM");
    const schedule = fileSystem && r.chance(0.7) ? fileSystem : r.pick(active);
    const items = schedule.itemsFixed ? 1 : Math.max(1, Math.round(r.logNormal(40, 1.5)));
    const bytes = Math.round(
      schedule.itemsFixed
        ? (schedule.selectionBytes / schedule.items) * r.range(0.3, 1.5)
        : Math.min(schedule.selectionBytes, items * r.logNormal(2 * 1024 * 1024, 1)),
    );
    const status = r.weighted<SessionStatus>([
      ["COMPLETED", 85],
      ["COMPLETED_WITH_ERRORS", 8],
      ["FAILED", 4],
      ["CANCELED", 3],
    ]);
    const share = completedShare(status, r.float());
    const errorCount = status === "COMPLETED_WITH_ERRORS" ? r.int(1, Math.max(1, Math.min(20, items))) : status === "FAILED" ? 1 : 0;
    const transferred = Math.round(bytes * share);
    const durationMs = Math.round(30 + transferred / (profile.throughput * 1.5)) * SECOND;
    const startMs = slotMs + r.int(0, 59) * SECOND;
    out.push({
      sessionId: sessionId(slotMs, device, RESTORE_CODE),
      type: "RESTORE",
      storageAccountId: profile.storageAccountId,
      plugin: schedule.plugin,
      startMs,
      endMs: startMs + durationMs,
      selectionSize: bytes,
      selectionItemCount: items,
      sizeChange: 0,
      itemCountChange: 0,
      removedItemCount: 0,
      processedSize: Math.round(bytes * share),
      processedItemCount: Math.round(items * share),
      transferredSize: transferred,
      errorCount,
      status,
    });
  }
  return out;
}

/**
 * N-sight records sessions in batches once a whole batch has finished (docs/nsight-api.md §7.5): a session is listed
 * 1 to 5 minutes after it ends, the same for a given session on every run.
 */
export function listedAt(s: Session): number {
  return s.endMs + (1 + (hash32(s.sessionId) % 5)) * MINUTE;
}

interface History {
  horizonMs: number;
  groups: Session[][];
  /** listedAt of each session, group by group. */
  listed: number[][];
  total: number;
  visible: { count: number; list: readonly Session[] } | null;
}

function buildHistory(device: FleetDevice, profile: BackupProfile, horizonMs: number): History {
  const groups = profile.plugins.map((p) => pluginHistory(device, profile, p, horizonMs));
  const restores = restoreHistory(device, profile, horizonMs);
  for (const restore of restores) {
    const i = profile.plugins.findIndex((p) => p.plugin === restore.plugin);
    const group = groups[i];
    if (!group) continue;
    let at = group.length;
    while (at > 0 && (group[at - 1] as Session).startMs > restore.startMs) at--;
    group.splice(at, 0, restore);
  }
  const listed = groups.map((group) => group.map(listedAt));
  return { horizonMs, groups, listed, total: groups.reduce((n, g) => n + g.length, 0), visible: null };
}

const histories = new Lru<FleetDevice, History>(MAX_CACHED_SESSIONS, (h) => h.total + 1);
const EMPTY: readonly Session[] = Object.freeze([]);

/** Sessions N-sight lists at `nowMs`: ended, and recorded (listedAt) by then; N-sight lists only finished ones. */
export function generateSessions(device: FleetDevice, nowMs: number): readonly Session[] {
  const profile = device.backup;
  if (!profile) return EMPTY;
  let history = histories.get(device);
  if (!history || nowMs > history.horizonMs) {
    history = buildHistory(device, profile, nowMs + AHEAD);
    histories.set(device, history);
  }
  // Visible sets only grow as time passes, so their size identifies them.
  let count = 0;
  for (const times of history.listed) for (const t of times) if (t <= nowMs) count++;
  if (history.visible?.count === count) return history.visible.list;
  const list: Session[] = [];
  history.groups.forEach((group, g) => group.forEach((s, i) => history.listed[g]![i]! <= nowMs && list.push(s)));
  history.visible = { count, list };
  return list;
}

/** When the device's next generated session is listed (within the two days built ahead), so a test can pick a device that stays quiet. */
export function nextSessionListed(device: FleetDevice, nowMs: number): number | null {
  generateSessions(device, nowMs);
  const history = histories.get(device);
  if (!history) return null;
  let soonest: number | null = null;
  for (const times of history.listed) for (const t of times) if (t > nowMs && (soonest === null || t < soonest)) soonest = t;
  return soonest;
}
