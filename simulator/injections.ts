/** Sessions a test adds to a device's history ("this backup just failed"), laid over the generated ones until /reset. */
import type { FleetDevice } from "./fleet";
import { OptionError } from "./options";
import { BACKUP_PLUGINS, SESSION_STATUSES, type BackupPlugin, type SessionStatus } from "./profiles";
import { faultKindOf, hostileKindOf } from "./scenarios";
import { generateSessions, nextSessionListed, type Session } from "./sessions";
import { HOUR, MINUTE, SECOND } from "./time";

export interface SessionInjection {
  deviceId: string;
  plugin: BackupPlugin | null;
  status: SessionStatus;
  /** Start of the session; by default it ends at the simulator's now. */
  atMs: number | null;
  transferredSize: number | null;
  durationSeconds: number | null;
}

/** Far above any generated id (minute × 10^6 + device), below 2^53. */
const INJECTED_ID_BASE = 5_000_000_000_000_000;
/** Enough for any test; a runaway loop gets a 400 instead of eating memory. */
export const MAX_INJECTED_SESSIONS = 10_000;
const INJECTION_FIELDS = new Set(["deviceId", "plugin", "status", "at", "transferredSize", "durationSeconds"]);
const SUCCESS: ReadonlySet<string> = new Set(["COMPLETED", "COMPLETED_WITH_ERRORS"]);

export function parseInjection(body: Record<string, unknown>): SessionInjection {
  for (const name of Object.keys(body)) if (!INJECTION_FIELDS.has(name)) throw new OptionError(`Unknown field: ${name}`);
  const { deviceId, plugin, status, at, transferredSize, durationSeconds } = body;
  if (typeof deviceId !== "string" || !/^\d{1,15}$/.test(deviceId)) throw new OptionError("deviceId must be a device id string");
  if (typeof status !== "string" || !(SESSION_STATUSES as readonly string[]).includes(status)) {
    throw new OptionError(`status must be one of ${SESSION_STATUSES.join(", ")}`);
  }
  if (plugin !== undefined && (typeof plugin !== "string" || !(BACKUP_PLUGINS as readonly string[]).includes(plugin))) {
    throw new OptionError(`plugin must be one of ${BACKUP_PLUGINS.join(", ")}`);
  }
  const atMs = at === undefined ? null : typeof at === "string" ? Date.parse(at) : NaN;
  if (atMs !== null && Number.isNaN(atMs)) throw new OptionError("at must be an ISO 8601 time");
  const count = (value: unknown, name: string, max: number): number | null => {
    if (value === undefined) return null;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) throw new OptionError(`${name} must be an integer from 0 to ${max}`);
    return value;
  };
  return {
    deviceId,
    plugin: (plugin as BackupPlugin | undefined) ?? null,
    status: status as SessionStatus,
    atMs,
    transferredSize: count(transferredSize, "transferredSize", Number.MAX_SAFE_INTEGER),
    durationSeconds: count(durationSeconds, "durationSeconds", 7 * 24 * 3600),
  };
}

export class InjectedSessions {
  private readonly byDevice = new Map<string, Session[]>();
  private total = 0;

  of(deviceId: string): readonly Session[] {
    return this.byDevice.get(deviceId) ?? [];
  }

  /** The device's history as N-sight would list it now: generated sessions, then the injected ones that have ended. */
  sessionsOf(device: FleetDevice, nowMs: number): readonly Session[] {
    const generated = generateSessions(device, nowMs);
    const injected = this.byDevice.get(device.id);
    if (!injected) return generated;
    return [...generated, ...injected.filter((s) => s.endMs <= nowMs)];
  }

  add(device: FleetDevice, input: SessionInjection, nowMs: number): Session {
    const profile = device.backup;
    if (!profile || profile.plugins.length === 0) throw new OptionError(`Device ${device.id} has Backup & Recovery off`);
    const plugin = input.plugin ?? profile.plugins[0]!.plugin;
    if (!profile.plugins.some((p) => p.plugin === plugin)) {
      throw new OptionError(`Device ${device.id} backs up ${profile.plugins.map((p) => p.plugin).join(", ")}, not ${plugin}`);
    }
    if (this.total >= MAX_INJECTED_SESSIONS) throw new OptionError(`At most ${MAX_INJECTED_SESSIONS} injected sessions; POST /reset clears them`);
    // Sizes follow the plugin's last good session, so an injected failure is not also a size anomaly.
    const lastGood = (list: readonly Session[]) => list.findLast((s) => s.plugin === plugin && s.type === "BACKUP" && SUCCESS.has(s.status) && s.endMs <= nowMs);
    const model = lastGood(this.of(device.id)) ?? lastGood(generateSessions(device, nowMs));
    const durationMs = input.durationSeconds !== null ? input.durationSeconds * SECOND : model ? model.endMs - model.startMs : 10 * MINUTE;
    const startMs = input.atMs ?? nowMs - durationMs;
    const succeeded = SUCCESS.has(input.status);
    const notStarted = input.status === "NOT_STARTED";
    const selectionSize = notStarted ? 0 : (model?.selectionSize ?? 10 * 1024 ** 3);
    const items = notStarted ? 0 : (model?.selectionItemCount ?? 1000);
    const share = succeeded ? 1 : input.status === "FAILED" ? 0.1 : notStarted ? 0 : 0.5;
    const session: Session = {
      sessionId: String(INJECTED_ID_BASE + this.total),
      type: "BACKUP",
      storageAccountId: profile.storageAccountId,
      plugin,
      startMs,
      endMs: notStarted ? startMs : startMs + durationMs,
      selectionSize,
      selectionItemCount: items,
      sizeChange: model && !notStarted ? Math.abs(selectionSize - model.selectionSize) : 0,
      itemCountChange: model && !notStarted ? Math.abs(items - model.selectionItemCount) : 0,
      removedItemCount: 0,
      processedSize: Math.round(selectionSize * share),
      processedItemCount: Math.round(items * share),
      transferredSize: input.transferredSize ?? Math.round((model?.transferredSize ?? 100 * 1024 ** 2) * share),
      errorCount: input.status === "FAILED" ? 1 : input.status === "COMPLETED_WITH_ERRORS" ? 3 : 0,
      status: input.status,
    };
    const list = this.byDevice.get(device.id) ?? [];
    let at = list.length;
    while (at > 0 && list[at - 1]!.startMs > session.startMs) at--;
    list.splice(at, 0, session);
    this.byDevice.set(device.id, list);
    this.total++;
    return session;
  }

  clear(): void {
    this.byDevice.clear();
    this.total = 0;
  }
}

export type SimulatedState = "ok" | "warning" | "overdue" | "failed" | "off" | "unreadable";

export interface DeviceReckoning {
  deviceId: string;
  name: string;
  clientId: string;
  siteId: string;
  type: string;
  state: SimulatedState;
  /** Every plugin's last six backups succeeded without errors: a failure now is a first one, no flapping. */
  steady: boolean;
  /** When the next generated session is listed and may change the state by itself. */
  nextSessionAt: string | null;
  plugins: { plugin: string; lastStatus: string; lastStart: string; recent: string[] }[];
}

/**
 * The simulator's own, simpler reading of a device's state (latest backup per plugin, late after its
 * period plus a grace): tests use it to pick devices, never to check the dashboard's rule.
 */
export function reckonDevice(device: FleetDevice, sessions: readonly Session[], nowMs: number): DeviceReckoning {
  const base = { deviceId: device.id, name: device.name, clientId: device.clientId, siteId: device.siteId, type: device.type };
  const next = device.backup ? nextSessionListed(device, nowMs) : null;
  const nextSessionAt = next === null ? null : new Date(next).toISOString();
  if (!device.backup || !device.mob) return { ...base, state: "off", steady: false, nextSessionAt, plugins: [] };
  if (faultKindOf(device.id) || hostileKindOf(device.id)) return { ...base, state: "unreadable", steady: false, nextSessionAt, plugins: [] };
  const rank: Record<SimulatedState, number> = { failed: 0, overdue: 1, warning: 2, ok: 3, off: 4, unreadable: 5 };
  let state: SimulatedState = "ok";
  let steady = true;
  const plugins: DeviceReckoning["plugins"] = [];
  for (const schedule of device.backup.plugins) {
    const own = sessions.filter((s) => s.plugin === schedule.plugin && s.type === "BACKUP");
    const last = own[own.length - 1];
    if (!last) {
      state = rank.overdue < rank[state] ? "overdue" : state;
      steady = false;
      continue;
    }
    const lastSuccess = own.findLast((s) => SUCCESS.has(s.status));
    const allowed = schedule.periodMs + Math.max(schedule.periodMs / 4, 2 * HOUR);
    const pluginState: SimulatedState =
      last.status === "FAILED" ? "failed" : !lastSuccess || nowMs - lastSuccess.endMs > allowed ? "overdue" : last.status === "COMPLETED" ? "ok" : "warning";
    if (rank[pluginState] < rank[state]) state = pluginState;
    const recent = own.slice(-6).map((s) => s.status);
    if (recent.length < 6 || recent.some((s) => s !== "COMPLETED")) steady = false;
    plugins.push({ plugin: schedule.plugin, lastStatus: last.status, lastStart: new Date(last.startMs).toISOString(), recent });
  }
  return { ...base, state, steady: steady && state === "ok", nextSessionAt, plugins };
}
