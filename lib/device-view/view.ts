import type { ByteUnits } from "../format";
import { BACKUP_PLUGINS, SESSION_STATUSES, SESSION_TYPES, type SessionStatus, type SessionType } from "../types";
import { zonedTimeToUtc } from "../time/zone";
import { canonicalZone } from "../time/zone-names";

export const RANGE_PRESETS = ["24h", "7d", "30d", "90d", "1y", "all"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export type RangeChoice = RangePreset | "custom";

export const RANGE_LABELS: Record<RangeChoice, string> = {
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  "1y": "Last year",
  all: "All history",
  custom: "Custom range",
};

const PRESET_MS: Record<Exclude<RangePreset, "all">, number> = {
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
  "90d": 90 * 86_400_000,
  "1y": 365 * 86_400_000,
};

export const SESSION_SORT_KEYS = ["start", "end", "duration", "transferred", "selection", "plugin", "type", "status", "errors"] as const;
export type SessionSortKey = (typeof SESSION_SORT_KEYS)[number];

export const DEFAULT_RANGE: RangePreset = "30d";
export const PAGE_SIZE = 50;

export interface DeviceView {
  range: RangeChoice;
  from: string | null;
  to: string | null;
  types: SessionType[];
  plugins: string[];
  statuses: SessionStatus[];
  sort: SessionSortKey;
  dir: "asc" | "desc";
  page: number;
  /** Canonically spelled; null means the device's client's zone (or UTC). */
  tz: string | null;
  units: ByteUnits;
}

export const DEFAULT_VIEW: DeviceView = {
  range: DEFAULT_RANGE,
  from: null,
  to: null,
  types: [],
  plugins: [],
  statuses: [],
  sort: "start",
  dir: "desc",
  page: 1,
  tz: null,
  units: "binary",
};

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function get(params: ParamSource, name: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

function list<T extends string>(value: string | undefined, allowed: readonly T[]): T[] {
  if (!value) return [];
  const wanted = new Set(value.split(","));
  return allowed.filter((item) => wanted.has(item));
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isRealDay(value: string | undefined): value is string {
  if (!value || !DAY.test(value)) return false;
  const [y, m, d] = value.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function parseDeviceView(params: ParamSource): DeviceView {
  const range = get(params, "range");
  const from = get(params, "from");
  const to = get(params, "to");
  const custom = range === "custom" && isRealDay(from) && isRealDay(to) && from <= to;
  const sort = get(params, "sort");
  const page = Number(get(params, "page"));
  const tz = get(params, "tz");
  return {
    range: custom ? "custom" : RANGE_PRESETS.includes(range as RangePreset) ? (range as RangePreset) : DEFAULT_RANGE,
    from: custom ? from : null,
    to: custom ? to : null,
    types: list(get(params, "type"), SESSION_TYPES),
    plugins: list(get(params, "plugin"), BACKUP_PLUGINS),
    statuses: list(get(params, "status"), SESSION_STATUSES),
    sort: SESSION_SORT_KEYS.includes(sort as SessionSortKey) ? (sort as SessionSortKey) : DEFAULT_VIEW.sort,
    dir: get(params, "dir") === "asc" ? "asc" : get(params, "dir") === "desc" ? "desc" : DEFAULT_VIEW.dir,
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    tz: canonicalZone(tz),
    units: get(params, "units") === "decimal" ? "decimal" : "binary",
  };
}

export function serializeDeviceView(view: DeviceView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.range !== DEFAULT_VIEW.range) params.set("range", view.range);
  if (view.range === "custom" && view.from && view.to) {
    params.set("from", view.from);
    params.set("to", view.to);
  }
  if (view.types.length) params.set("type", view.types.join(","));
  if (view.plugins.length) params.set("plugin", view.plugins.join(","));
  if (view.statuses.length) params.set("status", view.statuses.join(","));
  if (view.sort !== DEFAULT_VIEW.sort) params.set("sort", view.sort);
  if (view.dir !== DEFAULT_VIEW.dir) params.set("dir", view.dir);
  if (view.page !== 1) params.set("page", String(view.page));
  if (view.tz) params.set("tz", view.tz);
  if (view.units !== DEFAULT_VIEW.units) params.set("units", view.units);
  return params;
}

export function dataParams(view: DeviceView, zone: string): URLSearchParams {
  const params = new URLSearchParams();
  params.set("range", view.range);
  if (view.range === "custom" && view.from && view.to) {
    params.set("from", view.from);
    params.set("to", view.to);
  }
  if (view.types.length) params.set("type", view.types.join(","));
  if (view.plugins.length) params.set("plugin", view.plugins.join(","));
  if (view.statuses.length) params.set("status", view.statuses.join(","));
  params.set("tz", zone);
  return params;
}

export interface ResolvedRange {
  fromMs: number | null;
  toMs: number;
}

export function resolveRange(view: Pick<DeviceView, "range" | "from" | "to">, now: number, zone: string): ResolvedRange {
  if (view.range === "all") return { fromMs: null, toMs: now };
  if (view.range === "custom" && view.from && view.to) {
    const [fy, fm, fd] = view.from.split("-").map(Number) as [number, number, number];
    const [ty, tm, td] = view.to.split("-").map(Number) as [number, number, number];
    return { fromMs: zonedTimeToUtc(fy, fm, fd, 0, zone), toMs: zonedTimeToUtc(ty, tm, td + 1, 0, zone) };
  }
  const preset = view.range === "custom" ? DEFAULT_RANGE : view.range;
  return { fromMs: now - PRESET_MS[preset as Exclude<RangePreset, "all">], toMs: now };
}

export function rangeSlug(view: Pick<DeviceView, "range" | "from" | "to">): string {
  return view.range === "custom" && view.from && view.to ? `${view.from}_to_${view.to}` : view.range === "all" ? "all-history" : `last-${view.range}`;
}

export const VIEW_QUERY_PARAMS = ["range", "from", "to", "type", "plugin", "status", "sort", "dir", "page", "tz", "units"] as const;

/** Like parseDeviceView, but a present, malformed value is an error instead of the default. */
export function checkDeviceViewParams(params: URLSearchParams): string | null {
  const view = parseDeviceView(params);
  const given = (name: string) => params.get(name);
  const range = given("range");
  if (range !== null && !(RANGE_PRESETS as readonly string[]).includes(range) && range !== "custom") return "Invalid range.";
  if (range === "custom" && view.range !== "custom") return "Invalid custom range: from and to must be real days (YYYY-MM-DD), from not after to.";
  if (range !== "custom" && (given("from") !== null || given("to") !== null)) return "from and to are only accepted with range=custom.";
  const lists: [string, readonly string[]][] = [
    ["type", SESSION_TYPES],
    ["plugin", BACKUP_PLUGINS],
    ["status", SESSION_STATUSES],
  ];
  for (const [name, allowed] of lists) {
    const value = given(name);
    if (value !== null && value.split(",").some((item) => !allowed.includes(item))) return `Invalid ${name}.`;
  }
  if (given("sort") !== null && view.sort !== given("sort")) return "Invalid sort.";
  if (given("dir") !== null && view.dir !== given("dir")) return "Invalid dir.";
  if (given("page") !== null && String(view.page) !== given("page")) return "Invalid page.";
  if (given("tz") !== null && view.tz === null) return "Invalid tz: expected an IANA time zone such as Europe/London.";
  if (given("units") !== null && view.units !== given("units")) return "Invalid units.";
  return null;
}
