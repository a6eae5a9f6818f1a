/** A device's backups by role and scenario: plugins, schedules, sizes, reliability. sessions.ts turns them into history. */
import { hash32, type Rng } from "./prng";
import type { FixedBehaviour } from "./scenarios";
import type { DeviceRole, DeviceType } from "./fleet";
import { DAY, HOUR, MINUTE, zoneOffsetMinutes } from "./time";

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

interface StatusOverride {
  fromMs: number;
  toMs: number;
  status: SessionStatus;
}

/** Multiplies one slot's figures: a backup that completes but looks wrong (scenarios.ts "quiet"). */
export interface Quirk {
  fromMs: number;
  toMs: number;
  transfer?: number;
  /** Kept from this slot on, as a broken selection stays broken. */
  selection?: number;
  duration?: number;
}

export interface PluginSchedule {
  plugin: BackupPlugin;
  /** Schedule slots are the absolute times k × periodMs + phaseMs (UTC). */
  periodMs: number;
  phaseMs: number;
  fromMs: number;
  untilMs: number | null;
  maxSessions: number | null;
  selectionBytes: number;
  items: number;
  itemsFixed: boolean;
  growthPerYear: number;
  changeRate: number;
  /** transferred / changed bytes (compression and deduplication). */
  compression: number;
  secondsPerItem: number;
  overrides: StatusOverride[];
  quirks: Quirk[];
}

export interface BackupProfile {
  storageAccountId: string;
  plugins: PluginSchedule[];
  throughput: number;
  /** Multiplies the chance of every non-COMPLETED outcome (1 = typical). */
  reliability: number;
  skipRate: number;
  weekendSkipRate: number;
  restoreRate: number;
}

const GB = 1024 ** 3;

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

const offsetCache = new Map<string, number>();

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

function dailyPhaseAt(ms: number): number {
  return Math.floor((ms % DAY) / MINUTE) * MINUTE;
}

export interface ProfileContext {
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
  quirks?: Quirk[];
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
    quirks: spec.quirks ?? [],
  };
}

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

function typicalSchedules(rng: Rng, ctx: ProfileContext, role: DeviceRole, birthMs: number): PluginSchedule[] {
  const server = role !== "laptop" && role !== "desktop";
  if (!server) {
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

export function profileFor(
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
      // Four failed SYSTEM_STATE slots (now−2 h … −74 h) after a success at −98 h.
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
      // 26 h ago, so even a full backup (at most 20 h) has finished.
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
    case "quiet": {
      steady();
      const from = dayAnchor - 400 * DAY;
      const latest = nowMs - 3 * HOUR;
      // Only the slot 3 h before fleet start: the next one, 21 h later, is ordinary again.
      const quirk = (q: Omit<Quirk, "fromMs" | "toMs">): Quirk[] => [{ fromMs: latest - HOUR, toMs: latest + 20 * HOUR, ...q }];
      const completed = [{ fromMs: nowMs - 30 * DAY, toMs: Infinity, status: "COMPLETED" as const }];
      const files = (quirks: Quirk[]) =>
        schedule(rng, server, { plugin: "FILE_SYSTEM", periodMs: DAY, phaseMs: dailyPhaseAt(latest), fromMs: from, overrides: completed, quirks });
      if (behaviour.quiet === "emptyAndMissing") {
        const stopped = nowMs - 3 * DAY;
        profile.plugins = [
          files(quirk({ transfer: 0 })),
          schedule(rng, true, { plugin: "SYSTEM_STATE", periodMs: DAY, phaseMs: dailyPhaseAt(stopped), fromMs: from, untilMs: stopped + 2 * HOUR, overrides: completed }),
        ];
      } else if (behaviour.quiet === "ransomware") {
        profile.plugins = [files(quirk({ transfer: 8, duration: 3 }))];
      } else {
        profile.plugins = [files(quirk({ selection: 0.5, transfer: 0.1 }))];
      }
      return profile;
    }
    case "stopped": {
      steady();
      const last = nowMs - behaviour.days * DAY;
      const from = dayAnchor - rng.int(300, 700) * DAY;
      const until = last + 2 * HOUR;
      // Its last backups succeeded, so it reads overdue on whatever day the fleet starts.
      const overrides = [{ fromMs: last - DAY, toMs: Infinity, status: "COMPLETED" as const }];
      profile.plugins = [
        schedule(rng, server, { plugin: "FILE_SYSTEM", periodMs: DAY, phaseMs: dailyPhaseAt(last), fromMs: from, untilMs: until, overrides }),
      ];
      if (server) {
        profile.plugins.push(
          schedule(rng, true, { plugin: "SYSTEM_STATE", periodMs: DAY, phaseMs: dailyPhaseAt(last + HOUR), fromMs: from, untilMs: until, overrides }),
        );
      }
      return profile;
    }
  }
}
