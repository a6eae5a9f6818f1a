/**
 * The simulated N-sight account: clients → sites → servers and workstations, each with its
 * inventory and (for B&R-enabled devices) a backup profile that sessions.ts turns into
 * history. Deterministic for (seed, devices, now).
 *
 * Ids: clients from 100001, sites from 200001, devices from 3000001. The fixed clients,
 * sites and devices of scenarios.ts keep the ids written there (each kind's fixed ids form
 * one unbroken run from its first id); generated ones continue right after the highest.
 * `clients`, `sites` and `devices` of a Fleet are in id order.
 */
import { Rng, hash32 } from "./prng";
import {
  FIXED_CLIENTS,
  FIXED_CLIENT_COUNT,
  FIXED_DEVICE_COUNT,
  FIXED_SITE_COUNT,
  type FixedBehaviour,
  type FixedClientSpec,
  type FixedDeviceSpec,
} from "./scenarios";
import { inventoryFor, type DeviceInventory } from "./inventory";
import { CITIES, CLIENT_NAMES, DEPARTMENTS, SERVER_ROLE_CODE, SITE_NAMES, SURNAMES, TIMEZONES, regionOf, type Region } from "./names";
import { DAY, HOUR, MINUTE, startOfUtcDay, utcDate, zoneOffsetMinutes } from "./time";

export type { DeviceInventory } from "./inventory";

export const BACKUP_PLUGINS = [
  "FILE_SYSTEM",
  "SYSTEM_STATE",
  "EXCHANGE",
  "NETWORK_SHARES",
  "VMWARE",
  "MSSQL",
  "SHAREPOINT",
  "ORACLE",
] as const;
export type BackupPlugin = (typeof BACKUP_PLUGINS)[number];

export const SESSION_STATUSES = ["COMPLETED", "COMPLETED_WITH_ERRORS", "INTERRUPTED", "FAILED", "NOT_STARTED", "CANCELED"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export type DeviceType = "server" | "workstation";
export type ServerRole = "dc" | "fs" | "sql" | "exchange" | "esx" | "app" | "rds" | "print";
export type DeviceRole = ServerRole | "laptop" | "desktop";

/** Largest supported fleet: session ids reserve five decimal digits for the device. */
export const MAX_DEVICES = 50_000;

const FIRST_CLIENT_ID = 100001;
const FIRST_SITE_ID = 200001;
export const FIRST_DEVICE_ID = 3000001;

/** Forces a status for the slots of one plugin whose scheduled time is in [fromMs, toMs). */
export interface StatusOverride {
  fromMs: number;
  toMs: number;
  status: SessionStatus;
}

export interface PluginSchedule {
  plugin: BackupPlugin;
  /** Schedule slots are the absolute times k × periodMs + phaseMs (UTC). */
  periodMs: number;
  phaseMs: number;
  /** No slot before this (the plugin was enabled then: its first session is a full backup). */
  fromMs: number;
  /** No slot after this (the device stopped backing up); null = still running. */
  untilMs: number | null;
  /** Stop after this many sessions; null = no limit. */
  maxSessions: number | null;
  /** Selection at `fromMs`, in bytes, and its item count. */
  selectionBytes: number;
  items: number;
  /** Databases, mailbox stores or VMs rather than files: the count changes rarely. */
  itemsFixed: boolean;
  /** Relative growth of the selection per year (may be negative). */
  growthPerYear: number;
  /** Median share of the selection that changes between two sessions. */
  changeRate: number;
  /** transferred / changed bytes (compression and deduplication). */
  compression: number;
  /** Scan cost per item, in seconds. */
  secondsPerItem: number;
  overrides: StatusOverride[];
}

export interface BackupProfile {
  storageAccountId: string;
  plugins: PluginSchedule[];
  /** Upload speed in bytes per second. */
  throughput: number;
  /** Multiplies the chance of every non-COMPLETED outcome (1 = typical). */
  reliability: number;
  /** Share of scheduled slots missed because the device is off (laptops, desktops). */
  skipRate: number;
  /** Extra skip chance on Saturdays and Sundays. */
  weekendSkipRate: number;
  /** Chance of one RESTORE session per 45-day block. */
  restoreRate: number;
}

export interface FleetDevice {
  id: string;
  /** id − 3000000, used to build unique session ids. */
  ordinal: number;
  clientId: string;
  siteId: string;
  type: DeviceType;
  role: DeviceRole;
  name: string;
  /** The fleet's seed, so a device alone determines its history. */
  seed: number;
  /** Backup & Recovery enabled (`mob`). */
  mob: boolean;
  /** null when B&R is off. */
  backup: BackupProfile | null;
  timezone: string;
  inventory: DeviceInventory;
}

export interface FleetSite {
  id: string;
  clientId: string;
  name: string;
  creationDate: string;
  connectionOk: boolean;
  primaryRouter: string;
  secondaryRouter: string;
  devices: FleetDevice[];
}

export interface FleetClient {
  id: string;
  name: string;
  timezone: string;
  creationDate: string;
  viewDashboard: boolean;
  viewWorkstationAssets: boolean;
  /** The literal "none" when unset, as N-sight sends it. */
  dashboardUsername: string;
  sites: FleetSite[];
}

export interface Fleet {
  seed: number;
  /** The time the fleet was generated for; histories are laid out relative to it. */
  now: Date;
  clients: FleetClient[];
  sites: FleetSite[];
  devices: FleetDevice[];
  clientById: ReadonlyMap<string, FleetClient>;
  siteById: ReadonlyMap<string, FleetSite>;
  deviceById: ReadonlyMap<string, FleetDevice>;
}

export interface FleetOptions {
  seed: number;
  /** Total devices, the fixed scenario devices included (never fewer than those). */
  devices: number;
  now: Date;
}

// ---------------------------------------------------------------------------------------
// Helpers

const GB = 1024 ** 3;

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

/** ASCII letters only, for host-like prefixes ("Müller Bau" → "MULLER"). */
function asciiUpper(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[^A-Za-z ]/g, "")
    .toUpperCase();
}

const LEGAL_FORMS = new Set(["LTD", "LLC", "GMBH", "AG", "CO", "PTY", "SA", "KK", "INC", "GROUP", "DR", "PARTNER"]);

/** A short host-name prefix: "Prairie Wind Farms" → "PWF", "Acme Logistics" → "AL", "Contoso" → "CONTOSO". */
function prefixFor(clientName: string): string {
  const words = asciiUpper(clientName)
    .split(/\s+/)
    .filter((w) => w && !LEGAL_FORMS.has(w));
  const first = words[0] ?? "CORP";
  if (words.length === 1) return first.slice(0, 7);
  if (first.length <= 5) return first;
  return words
    .map((w) => w[0])
    .join("")
    .slice(0, 4);
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
  used.add(name);
  return name;
}

const offsetCache = new Map<string, number>();

/** Minute of the UTC day at which local time `localMinute` falls in `timezone` (now's offset). */
function localToUtcMinute(localMinute: number, timezone: string, nowMs: number): number {
  const key = `${timezone}@${nowMs}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size > 1000) offsetCache.clear();
    offset = zoneOffsetMinutes(nowMs, timezone);
    offsetCache.set(key, offset);
  }
  return (((localMinute - offset) % 1440) + 1440) % 1440;
}

/** Phase (ms within the day) at which a daily slot hits exactly `ms` (floored to the minute). */
function dailyPhaseAt(ms: number): number {
  return Math.floor((ms % DAY) / MINUTE) * MINUTE;
}

// ---------------------------------------------------------------------------------------
// Backup profiles

interface ProfileContext {
  seed: number;
  nowMs: number;
  /** UTC midnight of `now`: device ages count from here so histories survive restarts. */
  dayAnchor: number;
  timezone: string;
}

interface PluginTemplate {
  selection: () => number;
  items: (selection: number) => number;
  itemsFixed: boolean;
  growth: () => number;
  changeRate: () => number;
  secondsPerItem: number;
}

function pluginTemplate(plugin: BackupPlugin, server: boolean, rng: Rng): PluginTemplate {
  const fileItems = (bytes: number) => Math.max(200, Math.round(bytes / rng.logNormal(600 * 1024, 0.4)));
  switch (plugin) {
    case "FILE_SYSTEM":
      return {
        selection: () => (server ? clamp(rng.logNormal(300 * GB, 0.9), 20 * GB, 6000 * GB) : clamp(rng.logNormal(60 * GB, 0.7), 5 * GB, 600 * GB)),
        items: fileItems,
        itemsFixed: false,
        growth: () => rng.range(0.03, 0.3),
        changeRate: () => rng.range(0.003, 0.012),
        secondsPerItem: 0.00003,
      };
    case "SYSTEM_STATE":
      return {
        selection: () => clamp(rng.logNormal(14 * GB, 0.3), 6 * GB, 40 * GB),
        items: () => Math.round(rng.logNormal(110_000, 0.2)),
        itemsFixed: false,
        growth: () => rng.range(0.01, 0.08),
        changeRate: () => rng.range(0.008, 0.02),
        secondsPerItem: 0.00002,
      };
    case "NETWORK_SHARES":
      return {
        selection: () => clamp(rng.logNormal(800 * GB, 0.7), 50 * GB, 8000 * GB),
        items: (b) => Math.round(b / rng.logNormal(1.2 * 1024 * 1024, 0.3)),
        itemsFixed: false,
        growth: () => rng.range(0.05, 0.25),
        changeRate: () => rng.range(0.002, 0.008),
        secondsPerItem: 0.00004,
      };
    case "MSSQL":
      return {
        selection: () => clamp(rng.logNormal(60 * GB, 1.0), 1 * GB, 2000 * GB),
        items: () => rng.int(3, 40),
        itemsFixed: true,
        growth: () => rng.range(0.1, 0.6),
        changeRate: () => rng.range(0.004, 0.015),
        secondsPerItem: 2,
      };
    case "EXCHANGE":
      return {
        selection: () => clamp(rng.logNormal(250 * GB, 0.6), 20 * GB, 3000 * GB),
        items: () => rng.int(1, 6),
        itemsFixed: true,
        growth: () => rng.range(0.1, 0.3),
        changeRate: () => rng.range(0.005, 0.015),
        secondsPerItem: 5,
      };
    case "VMWARE":
      return {
        selection: () => clamp(rng.logNormal(1500 * GB, 0.6), 200 * GB, 12000 * GB),
        items: () => rng.int(3, 30),
        itemsFixed: true,
        growth: () => rng.range(0.05, 0.25),
        changeRate: () => rng.range(0.004, 0.012),
        secondsPerItem: 8,
      };
    case "SHAREPOINT":
      return {
        selection: () => clamp(rng.logNormal(80 * GB, 0.6), 5 * GB, 800 * GB),
        items: () => rng.int(2, 12),
        itemsFixed: true,
        growth: () => rng.range(0.05, 0.3),
        changeRate: () => rng.range(0.004, 0.012),
        secondsPerItem: 3,
      };
    case "ORACLE":
      return {
        selection: () => clamp(rng.logNormal(200 * GB, 0.7), 10 * GB, 3000 * GB),
        items: () => rng.int(1, 5),
        itemsFixed: true,
        growth: () => rng.range(0.1, 0.4),
        changeRate: () => rng.range(0.005, 0.015),
        secondsPerItem: 4,
      };
  }
}

interface ScheduleSpec {
  plugin: BackupPlugin;
  periodMs: number;
  phaseMs: number;
  fromMs: number;
  untilMs?: number | null;
  maxSessions?: number | null;
  overrides?: StatusOverride[];
  selectionBytes?: number;
}

function schedule(rng: Rng, server: boolean, spec: ScheduleSpec): PluginSchedule {
  const t = pluginTemplate(spec.plugin, server, rng);
  const selectionBytes = Math.round(spec.selectionBytes ?? t.selection());
  return {
    plugin: spec.plugin,
    periodMs: spec.periodMs,
    phaseMs: spec.phaseMs,
    fromMs: spec.fromMs,
    untilMs: spec.untilMs ?? null,
    maxSessions: spec.maxSessions ?? null,
    selectionBytes,
    items: Math.max(1, t.items(selectionBytes)),
    itemsFixed: t.itemsFixed,
    growthPerYear: t.growth(),
    changeRate: t.changeRate(),
    compression: rng.range(0.55, 0.9),
    secondsPerItem: t.secondsPerItem,
    overrides: spec.overrides ?? [],
  };
}

/** A daily slot at a random local time between `fromHour` and `toHour` (may wrap midnight). */
function dailyPhase(rng: Rng, ctx: ProfileContext, fromHour: number, toHour: number): number {
  const span = ((toHour - fromHour + 24) % 24) * 60;
  const localMinute = (fromHour * 60 + rng.int(0, Math.max(0, span - 1))) % 1440;
  // Backup schedules snap to 5 minutes, as people set them.
  const utcMinute = localToUtcMinute(Math.floor(localMinute / 5) * 5, ctx.timezone, ctx.nowMs);
  return utcMinute * MINUTE;
}

function ageInDays(rng: Rng, type: DeviceType): number {
  const bucket = rng.float();
  if (bucket < 0.4) return rng.int(700, 1095);
  if (bucket < 0.8) return rng.int(200, 699);
  return type === "server" ? rng.int(60, 199) : rng.int(14, 199);
}

function baseProfile(rng: Rng, device: { id: string; type: DeviceType; role: DeviceRole }): BackupProfile {
  const laptop = device.role === "laptop";
  return {
    storageAccountId: String(400000 + (hash32("storage", device.id) % 90000)),
    plugins: [],
    throughput:
      device.type === "server" ? rng.range(20, 120) * 1024 * 1024 : laptop ? rng.range(2, 12) * 1024 * 1024 : rng.range(4, 25) * 1024 * 1024,
    reliability: clamp(rng.logNormal(1, 0.6), 0.3, 4),
    skipRate: device.type === "server" ? 0 : laptop ? rng.range(0.1, 0.25) : rng.range(0.01, 0.05),
    weekendSkipRate: device.type === "server" ? 0 : laptop ? 0.6 : rng.pick([0, 0.4, 0.8]),
    restoreRate: device.type === "server" ? rng.range(0.1, 0.3) : rng.range(0.02, 0.08),
  };
}

/** The usual schedules for a device of this role, enabled around `birthMs`. */
function typicalSchedules(rng: Rng, ctx: ProfileContext, role: DeviceRole, birthMs: number): PluginSchedule[] {
  const server = role !== "laptop" && role !== "desktop";
  if (!server) {
    // Workstations back up at lunchtime or in the evening, local time.
    const phaseMs = rng.chance(0.5) ? dailyPhase(rng, ctx, 12, 14) : dailyPhase(rng, ctx, 18, 23);
    return [schedule(rng, false, { plugin: "FILE_SYSTEM", periodMs: DAY, phaseMs, fromMs: birthMs })];
  }
  const fsPhase = dailyPhase(rng, ctx, 20, 2);
  const out = [
    schedule(rng, true, { plugin: "FILE_SYSTEM", periodMs: DAY, phaseMs: fsPhase, fromMs: birthMs }),
    schedule(rng, true, {
      plugin: "SYSTEM_STATE",
      periodMs: DAY,
      phaseMs: (fsPhase + rng.int(1, 4) * HOUR) % DAY,
      fromMs: birthMs + rng.int(0, 20) * DAY,
    }),
  ];
  // Application plugins are often switched on later than the device's first backup.
  const later = () => {
    const latest = Math.max(birthMs, ctx.dayAnchor - 14 * DAY);
    return rng.chance(0.35) ? Math.min(latest, birthMs + rng.int(30, 400) * DAY) : birthMs;
  };
  const intraday = (plugin: BackupPlugin, periods: readonly number[]) => {
    const periodMs = rng.pick(periods) * HOUR;
    return schedule(rng, true, { plugin, periodMs, phaseMs: rng.int(0, periodMs / MINUTE - 1) * MINUTE, fromMs: later() });
  };
  if (role === "sql") out.push(intraday("MSSQL", [2, 4, 6, 8]));
  if (role === "exchange") out.push(intraday("EXCHANGE", [4, 6, 8, 12]));
  if (role === "esx") out.push(schedule(rng, true, { plugin: "VMWARE", periodMs: DAY, phaseMs: dailyPhase(rng, ctx, 22, 4), fromMs: later() }));
  if (role === "fs" && rng.chance(0.5)) {
    out.push(schedule(rng, true, { plugin: "NETWORK_SHARES", periodMs: DAY, phaseMs: dailyPhase(rng, ctx, 19, 23), fromMs: later() }));
  }
  if (role === "app" && rng.chance(0.12)) out.push(intraday(rng.chance(0.5) ? "SHAREPOINT" : "ORACLE", [12, 24]));
  if (role !== "sql" && role !== "esx" && rng.chance(0.05)) out.push(intraday("MSSQL", [6, 12]));
  return out;
}

function profileFor(
  rng: Rng,
  ctx: ProfileContext,
  device: { id: string; type: DeviceType; role: DeviceRole },
  behaviour: FixedBehaviour,
  fixed: boolean,
): BackupProfile | null {
  const profile = baseProfile(rng, device);
  const { nowMs, dayAnchor } = ctx;
  const server = device.type === "server";
  const steady = () => {
    // Scenario devices must hit their exact shapes: no random skipped slots, no restores.
    profile.skipRate = 0;
    profile.weekendSkipRate = 0;
    profile.restoreRate = 0;
  };
  switch (behaviour.kind) {
    case "backupOff":
    case "hostile":
      return null;
    case "normal": {
      const birth = dayAnchor - ageInDays(rng, device.type) * DAY;
      // About 1 % of enabled devices have not made their first backup yet.
      const fromMs = !fixed && rng.chance(0.01) ? dayAnchor + DAY + rng.int(0, 6) * HOUR : birth;
      profile.plugins = typicalSchedules(rng, ctx, device.role, fromMs);
      return profile;
    }
    case "fault": {
      steady();
      profile.plugins = typicalSchedules(rng, ctx, device.role, dayAnchor - 200 * DAY);
      return profile;
    }
    case "hourlySql": {
      const from = dayAnchor - 900 * DAY;
      profile.reliability = 0.6;
      profile.skipRate = 0;
      profile.throughput = 80 * 1024 * 1024;
      profile.plugins = [
        schedule(rng, true, { plugin: "FILE_SYSTEM", periodMs: DAY, phaseMs: dailyPhase(rng, ctx, 22, 23), fromMs: from, selectionBytes: 420 * GB }),
        schedule(rng, true, { plugin: "SYSTEM_STATE", periodMs: DAY, phaseMs: dailyPhase(rng, ctx, 0, 1), fromMs: from }),
        schedule(rng, true, { plugin: "MSSQL", periodMs: HOUR, phaseMs: 15 * MINUTE, fromMs: from, selectionBytes: 180 * GB }),
      ];
      return profile;
    }
    case "failingStreak": {
      steady();
      const from = dayAnchor - 500 * DAY;
      // SYSTEM_STATE runs daily at now−2 h: its slots at now−2 h, −26 h, −50 h and −74 h
      // are the four failures; the one at −98 h succeeded. FILE_SYSTEM (now−3 h) is fine.
      profile.plugins = [
        schedule(rng, true, {
          plugin: "FILE_SYSTEM",
          periodMs: DAY,
          phaseMs: dailyPhaseAt(nowMs - 3 * HOUR),
          fromMs: from,
          overrides: [{ fromMs: nowMs - 30 * DAY, toMs: Infinity, status: "COMPLETED" }],
        }),
        schedule(rng, true, {
          plugin: "SYSTEM_STATE",
          periodMs: DAY,
          phaseMs: dailyPhaseAt(nowMs - 2 * HOUR),
          fromMs: from,
          overrides: [
            { fromMs: nowMs - 30 * DAY, toMs: nowMs - 75 * HOUR, status: "COMPLETED" },
            { fromMs: nowMs - 75 * HOUR, toMs: Infinity, status: "FAILED" },
          ],
        }),
      ];
      return profile;
    }
    case "singleSession": {
      steady();
      // One full backup 26 h ago (a full backup is capped at 20 h, so it has finished);
      // the laptop has not been seen since.
      const at = nowMs - 26 * HOUR;
      profile.plugins = [
        schedule(rng, false, {
          plugin: "FILE_SYSTEM",
          periodMs: DAY,
          phaseMs: dailyPhaseAt(at),
          fromMs: at - MINUTE,
          maxSessions: 1,
          overrides: [{ fromMs: -Infinity, toMs: Infinity, status: "COMPLETED" }],
        }),
      ];
      return profile;
    }
    case "overdue": {
      steady();
      const last = nowMs - 36 * HOUR;
      profile.plugins = [
        schedule(rng, false, {
          plugin: "FILE_SYSTEM",
          periodMs: DAY,
          phaseMs: dailyPhaseAt(last),
          fromMs: dayAnchor - 400 * DAY,
          untilMs: last + 30 * MINUTE,
          overrides: [{ fromMs: last - 6 * DAY, toMs: Infinity, status: "COMPLETED" }],
        }),
      ];
      return profile;
    }
    case "stopped": {
      steady();
      const last = nowMs - behaviour.days * DAY;
      const from = dayAnchor - rng.int(300, 700) * DAY;
      const until = last + 2 * HOUR;
      profile.plugins = [
        schedule(rng, server, { plugin: "FILE_SYSTEM", periodMs: DAY, phaseMs: dailyPhaseAt(last), fromMs: from, untilMs: until }),
      ];
      if (server) {
        profile.plugins.push(
          schedule(rng, true, { plugin: "SYSTEM_STATE", periodMs: DAY, phaseMs: dailyPhaseAt(last + HOUR), fromMs: from, untilMs: until }),
        );
      }
      return profile;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Fleet

interface Counters {
  client: number;
  site: number;
  device: number;
}

interface DeviceDraft {
  type: DeviceType;
  role: DeviceRole;
  name: string;
  person: string | null;
  behaviour: FixedBehaviour;
  fixedId?: string;
}

function buildDevice(
  seed: number,
  ctx: ProfileContext,
  counters: Counters,
  client: FleetClient,
  site: FleetSite,
  owner: { prefix: string; subnet: number; externalIp: string },
  draft: DeviceDraft,
): FleetDevice {
  const id = draft.fixedId ?? String(counters.device++);
  const ordinal = Number(id) - (FIRST_DEVICE_ID - 1);
  const rng = Rng.of(seed, "device", id);
  // Fixed devices always have B&R on (except backupOff and the hostile ones) so their
  // scenarios hold for every seed.
  const mobDecided =
    draft.fixedId === undefined ? rng.chance(0.85) : draft.behaviour.kind !== "backupOff" && draft.behaviour.kind !== "hostile";
  const base = { id, type: draft.type, role: draft.role };
  const backup = mobDecided ? profileFor(Rng.of(seed, "backup", id), ctx, base, draft.behaviour, draft.fixedId !== undefined) : null;
  const firstSlot = backup?.plugins.reduce((min, p) => Math.min(min, p.fromMs), Infinity) ?? ctx.dayAnchor - rng.int(30, 900) * DAY;
  const installMs = Math.min(firstSlot, ctx.dayAnchor) - rng.int(0, 60) * DAY;
  return {
    id,
    ordinal,
    clientId: client.id,
    siteId: site.id,
    type: draft.type,
    role: draft.role,
    name: draft.name,
    seed,
    mob: backup !== null,
    backup,
    timezone: client.timezone,
    inventory: inventoryFor(rng, { id, ordinal, type: draft.type, role: draft.role, name: draft.name }, { ...owner, person: draft.person }, installMs, backup !== null),
  };
}

function newClient(counters: Counters, rng: Rng, name: string, timezone: string, dayAnchor: number, fixedId?: string): FleetClient {
  const id = fixedId ?? String(counters.client++);
  return {
    id,
    name,
    timezone,
    creationDate: utcDate(dayAnchor - rng.int(1100, 2400) * DAY),
    viewDashboard: rng.chance(0.3),
    viewWorkstationAssets: rng.chance(0.2),
    dashboardUsername: rng.chance(0.85) ? "none" : `it@${prefixFor(name).toLowerCase()}.example`,
    sites: [],
  };
}

function newSite(counters: Counters, rng: Rng, client: FleetClient, name: string, fixedId?: string): FleetSite {
  const id = fixedId ?? String(counters.site++);
  const router = rng.chance(0.5) ? `203.0.113.${rng.int(1, 254)}` : "";
  return {
    id,
    clientId: client.id,
    name,
    creationDate: rng.chance(0.8) ? client.creationDate : "",
    connectionOk: rng.chance(0.9),
    primaryRouter: router,
    secondaryRouter: router && rng.chance(0.3) ? `198.51.100.${rng.int(1, 254)}` : "",
    devices: [],
  };
}

function ownerFor(rng: Rng, client: FleetClient): { prefix: string; subnet: number; externalIp: string } {
  return {
    prefix: prefixFor(client.name),
    subnet: rng.chance(0.5) ? 10 : 192,
    externalIp: `${rng.pick(["203.0.113", "198.51.100", "192.0.2"])}.${rng.int(1, 254)}`,
  };
}

function fixedDraft(spec: FixedDeviceSpec): DeviceDraft {
  const laptop = spec.role === "laptop";
  const person = laptop ? spec.name.replace(/^.*LT-/, "").replace(/[^A-Za-z]/g, "").toLowerCase() || null : null;
  return { type: spec.type, role: spec.role, name: spec.name, person, behaviour: spec.behaviour, fixedId: spec.id };
}

function addFixedClient(seed: number, ctx0: Omit<ProfileContext, "timezone">, counters: Counters, spec: FixedClientSpec): FleetClient {
  const rng = Rng.of(seed, "client", spec.id);
  const client = newClient(counters, rng, spec.name, spec.timezone, ctx0.dayAnchor, spec.id);
  const owner = ownerFor(rng, client);
  const ctx = { ...ctx0, timezone: spec.timezone };
  for (const siteSpec of spec.sites) {
    const site = newSite(counters, rng, client, siteSpec.name, siteSpec.id);
    for (const d of siteSpec.devices) site.devices.push(buildDevice(seed, ctx, counters, client, site, owner, fixedDraft(d)));
    client.sites.push(site);
  }
  return client;
}

/**
 * Checks that the fixed ids of scenarios.ts are unique and each kind forms one unbroken run
 * from its first id (in any order), so generated ids can simply continue after them.
 */
function assertFixedIds(): void {
  const check = (what: string, ids: readonly string[], first: number, count: number) => {
    const sorted = ids.map(Number).sort((a, b) => a - b);
    if (sorted.length !== count || sorted.some((id, i) => id !== first + i)) {
      throw new Error(`Fixed ${what} ids must be ${first}…${first + count - 1}, each once (got ${sorted.join(", ")})`);
    }
  };
  check("client", FIXED_CLIENTS.map((c) => c.id), FIRST_CLIENT_ID, FIXED_CLIENT_COUNT);
  check("site", FIXED_CLIENTS.flatMap((c) => c.sites.map((s) => s.id)), FIRST_SITE_ID, FIXED_SITE_COUNT);
  check("device", FIXED_CLIENTS.flatMap((c) => c.sites.flatMap((s) => s.devices.map((d) => d.id))), FIRST_DEVICE_ID, FIXED_DEVICE_COUNT);
}

/** Ascending numeric id order. */
function byId(a: { id: string }, b: { id: string }): number {
  return Number(a.id) - Number(b.id);
}

/** Splits `total` into `n` integer parts proportional to `weights`, each at least `min`. */
function apportion(total: number, weights: readonly number[], min: number): number[] {
  const n = weights.length;
  const spare = total - n * min;
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  const exact = weights.map((w) => (w / sum) * spare);
  const parts = exact.map((x) => Math.floor(x));
  let left = spare - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left--;
  }
  return parts.map((p) => p + min);
}

function generatedClient(
  seed: number,
  ctx0: Omit<ProfileContext, "timezone">,
  counters: Counters,
  index: number,
  deviceCount: number,
  usedNames: Set<string>,
  zoneOrder: readonly string[],
): FleetClient {
  const rng = Rng.of(seed, "gen-client", index);
  // The first generated clients cover every zone once; the rest follow the weights.
  const timezone = zoneOrder[index] ?? rng.weighted(TIMEZONES);
  const region = regionOf(timezone);
  let name = rng.pick(CLIENT_NAMES[region]);
  for (let attempt = 0; attempt < 6 && usedNames.has(name); attempt++) name = rng.pick(CLIENT_NAMES[region]);
  if (usedNames.has(name)) name = `${name} (${rng.pick(CITIES[region])})`;
  for (let n = 2; usedNames.has(name); n++) name = `${name.replace(/ \d+$/, "")} ${n}`;
  usedNames.add(name);
  const client = newClient(counters, rng, name, timezone, ctx0.dayAnchor);
  const owner = ownerFor(rng, client);
  const ctx = { ...ctx0, timezone };

  const siteCount = deviceCount <= 3 ? 1 : clamp(Math.round((deviceCount / 7) * rng.range(0.7, 1.3)), 1, 8);
  const siteSizes = apportion(deviceCount, Array.from({ length: siteCount }, (_, i) => (i === 0 ? 2.5 : rng.logNormal(1, 0.5))), 1);
  const usedSiteNames = new Set<string>();
  const usedDeviceNames = new Set<string>();
  const roleCounters = new Map<ServerRole, number>();
  const cityPool = rng.shuffle([...CITIES[region], ...SITE_NAMES]);
  for (let s = 0; s < siteCount; s++) {
    const siteName = uniqueName(s === 0 ? rng.pick(["HQ", "Head Office", "Main Office"]) : (cityPool[s % cityPool.length] ?? "Branch"), usedSiteNames);
    const site = newSite(counters, rng, client, siteName);
    const size = siteSizes[s] ?? 1;
    // Servers are a minority: most sites have none or one or two; the main site more.
    const servers = s === 0 ? clamp(Math.round(size * rng.range(0.12, 0.25)), size >= 4 ? 1 : 0, size) : Math.min(size, Math.round(size * rng.range(0, 0.15)));
    for (let d = 0; d < size; d++) {
      const draft: DeviceDraft =
        d < servers ? serverDraft(rng, owner.prefix, roleCounters, s === 0 && d === 0) : workstationDraft(rng, region, owner.prefix, usedDeviceNames);
      site.devices.push(buildDevice(seed, ctx, counters, client, site, owner, draft));
    }
    client.sites.push(site);
  }
  return client;
}

function serverDraft(rng: Rng, prefix: string, counters: Map<ServerRole, number>, first: boolean): DeviceDraft {
  const role: ServerRole = first
    ? "dc"
    : rng.weighted<ServerRole>([
        ["fs", 3],
        ["sql", 2],
        ["app", 2],
        ["exchange", 1],
        ["esx", 1],
        ["rds", 1],
        ["print", 0.5],
        ["dc", 0.5],
      ]);
  const n = (counters.get(role) ?? 0) + 1;
  counters.set(role, n);
  return { type: "server", role, name: `${prefix}-${SERVER_ROLE_CODE[role]}${String(n).padStart(2, "0")}`, person: null, behaviour: { kind: "normal" } };
}

function workstationDraft(rng: Rng, region: Region, prefix: string, used: Set<string>): DeviceDraft {
  const laptop = rng.chance(0.45);
  if (laptop) {
    const person = `${String.fromCharCode(65 + rng.int(0, 25))}${rng.pick(SURNAMES[region])}`;
    return { type: "workstation", role: "laptop", name: uniqueName(`LT-${person}`, used), person: person.toLowerCase(), behaviour: { kind: "normal" } };
  }
  const style = rng.float();
  const base = style < 0.5 ? `DT-${rng.pick(DEPARTMENTS)}` : style < 0.75 ? `WS-${String(rng.int(1, 9999)).padStart(4, "0")}` : `${prefix}-PC${String(rng.int(1, 99)).padStart(2, "0")}`;
  return { type: "workstation", role: "desktop", name: uniqueName(base, used), person: null, behaviour: { kind: "normal" } };
}

/** Builds the whole account. Pure: the same options give a deeply equal fleet. */
export function generateFleet(options: FleetOptions): Fleet {
  const seed = options.seed >>> 0;
  const nowMs = options.now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError("generateFleet: invalid now");
  const requested = clamp(Math.floor(options.devices), 0, MAX_DEVICES);
  const ctx0 = { seed, nowMs, dayAnchor: startOfUtcDay(nowMs) };
  assertFixedIds();
  // Fixed clients, sites and devices bring their own ids; generated ones continue after them.
  const counters: Counters = {
    client: FIRST_CLIENT_ID + FIXED_CLIENT_COUNT,
    site: FIRST_SITE_ID + FIXED_SITE_COUNT,
    device: FIRST_DEVICE_ID + FIXED_DEVICE_COUNT,
  };

  const clients = FIXED_CLIENTS.map((spec) => addFixedClient(seed, ctx0, counters, spec));

  const generatedDevices = Math.max(0, requested - FIXED_DEVICE_COUNT);
  if (generatedDevices > 0) {
    const rng = Rng.of(seed, "fleet-shape", requested);
    const wanted = Math.max(1, Math.round(requested / 20) - FIXED_CLIENT_COUNT);
    const clientCount = clamp(wanted, 1, Math.max(1, Math.floor(generatedDevices / 2)));
    const sizes = apportion(
      generatedDevices,
      Array.from({ length: clientCount }, () => rng.logNormal(1, 0.6)),
      Math.min(2, Math.floor(generatedDevices / clientCount)),
    );
    const usedNames = new Set(clients.map((c) => c.name));
    const zoneOrder = Rng.of(seed, "zones").shuffle(TIMEZONES.map(([zone]) => zone));
    sizes.forEach((size, i) => clients.push(generatedClient(seed, ctx0, counters, i, size, usedNames, zoneOrder)));
  }

  // A fixed client may own a fixed site added later (Hostile Bench): list everything by id.
  const sites = clients.flatMap((c) => c.sites).sort(byId);
  const devices = sites.flatMap((s) => s.devices).sort(byId);
  return {
    seed,
    now: new Date(nowMs),
    clients,
    sites,
    devices,
    clientById: new Map(clients.map((c) => [c.id, c])),
    siteById: new Map(sites.map((s) => [s.id, s])),
    deviceById: new Map(devices.map((d) => [d.id, d])),
  };
}
