import "server-only";
/**
 * Maps the `<result>` of each N-sight service to the app's DTOs (lib/types.ts).
 *
 * N-sight's quirks handled here (docs/nsight-api.md §4): one record is not wrapped in a
 * list, empty containers are `<items/>`, every value is text (ids stay strings, sizes
 * become numbers, `0`/`1` become booleans), optional elements may be missing or empty,
 * and sentinels (`none`, `Not Available`, `0000-00-00 00:00:00`) mean "unknown".
 */
import {
  BACKUP_PLUGINS,
  SESSION_STATUSES,
  SESSION_TYPES,
  type BackupSession,
  type Client,
  type ClientDevice,
  type DeviceType,
  type Site,
  type SiteDevice,
} from "../types";
import { childElement, childElements, recordFields, type XmlElement } from "./xml";

type Fields = Record<string, string>;

const SENTINELS = new Set(["none", "not available", "n/a", "0000-00-00", "0000-00-00 00:00:00"]);

/** Optional text: empty or a sentinel means unknown. */
function optionalText(fields: Fields, name: string): string | null {
  const value = fields[name];
  if (value === undefined || value === "") return null;
  return SENTINELS.has(value.toLowerCase()) ? null : value;
}

/** A whole number, or null when absent, not a number, or beyond 2^53 - 1 (a double would round it). */
function optionalCount(fields: Fields, name: string): number | null {
  const value = fields[name];
  if (value === undefined || value === "" || !/^-?\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

function count(fields: Fields, name: string): number {
  return optionalCount(fields, name) ?? 0;
}

function optionalFlag(fields: Fields, name: string): boolean | null {
  const value = fields[name];
  if (value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  return null;
}

function optionalDate(fields: Fields, name: string): string | null {
  const value = optionalText(fields, name);
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
}

/**
 * N-sight's "YYYY-MM-DD HH:MM:SS" read as UTC: returns epoch milliseconds, or NaN when
 * absent, a sentinel, or not a real date.
 */
export function utcMillis(value: string | undefined): number {
  return utcStamp(value)?.ms ?? NaN;
}

function isoOrNull(ms: number): string | null {
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace(".000Z", "Z");
}

/** Elements called `name` found directly under `el` or under one wrapper level (`<items>`). */
function records(el: XmlElement, name: string): XmlElement[] {
  const direct = childElements(el, name);
  if (direct.length > 0) return direct;
  const found: XmlElement[] = [];
  for (const wrapper of el.children) {
    for (const c of wrapper.children) if (c.name === name) found.push(c);
  }
  return found;
}

function itemsOf(result: XmlElement): XmlElement {
  return childElement(result, "items") ?? { name: "items", attrs: null, children: [], text: "" };
}

/** Reports records dropped because they lacked an id (logged by the caller, never silent). */
export type DropReporter = (service: string, reason: string) => void;

export function mapClients(result: XmlElement, onDrop?: DropReporter): Client[] {
  const out: Client[] = [];
  for (const el of childElements(itemsOf(result), "client")) {
    const f = recordFields(el);
    const clientId = f.clientid;
    if (!clientId || !/^\d+$/.test(clientId)) {
      onDrop?.("list_clients", "client without a numeric clientid");
      continue;
    }
    out.push({
      clientId,
      name: f.name ?? "",
      timezone: optionalText(f, "timezone"),
      createdOn: optionalDate(f, "creation_date"),
      serverCount: count(f, "server_count"),
      workstationCount: count(f, "workstation_count"),
      mobileDeviceCount: count(f, "mobile_device_count"),
      deviceCount: count(f, "device_count"),
      viewDashboard: optionalFlag(f, "view_dashboard") ?? false,
      viewWorkstationAssets: optionalFlag(f, "view_wkstsn_assets") ?? false,
    });
  }
  return out;
}

export function mapSites(result: XmlElement, clientId: string, onDrop?: DropReporter): Site[] {
  const out: Site[] = [];
  for (const el of childElements(itemsOf(result), "site")) {
    const f = recordFields(el);
    const siteId = f.siteid;
    if (!siteId || !/^\d+$/.test(siteId)) {
      onDrop?.("list_sites", "site without a numeric siteid");
      continue;
    }
    out.push({
      siteId,
      clientId,
      name: f.name ?? "",
      connectionOk: optionalFlag(f, "connection_ok"),
      createdOn: optionalDate(f, "creation_date"),
      primaryRouter: optionalText(f, "primary_router"),
      secondaryRouter: optionalText(f, "secondary_router"),
    });
  }
  return out;
}

/** `last_boot_time`: Unix seconds as text, empty, or "Not Available" (docs/nsight-api.md §4.3). */
function epochSecondsIso(fields: Fields, name: string): string | null {
  const value = optionalText(fields, name);
  if (!value || !/^\d{1,12}$/.test(value)) return null;
  const seconds = Number(value);
  return seconds > 0 ? isoOrNull(seconds * 1000) : null;
}

export function mapSiteDevices(result: XmlElement, siteId: string, type: DeviceType, onDrop?: DropReporter): SiteDevice[] {
  const service = type === "server" ? "list_servers" : "list_workstations";
  const idField = type === "server" ? "serverid" : "workstationid";
  const out: SiteDevice[] = [];
  for (const el of childElements(itemsOf(result), type)) {
    const f = recordFields(el);
    const deviceId = f[idField] ?? f.deviceid ?? f.id;
    if (!deviceId || !/^\d+$/.test(deviceId)) {
      onDrop?.(service, `${type} without a numeric ${idField}`);
      continue;
    }
    out.push({
      deviceId,
      siteId,
      type,
      name: f.name ?? "",
      description: optionalText(f, "description"),
      os: optionalText(f, "os"),
      online: optionalFlag(f, "online"),
      user: optionalText(f, "user"),
      domain: optionalText(f, "domain"),
      ip: optionalText(f, "ip"),
      externalIp: optionalText(f, "external_ip"),
      manufacturer: optionalText(f, "manufacturer"),
      model: optionalText(f, "model"),
      agentVersion: optionalText(f, "agent_version"),
      installedOn: optionalDate(f, "install_date"),
      lastBootTime: epochSecondsIso(f, "last_boot_time"),
      lastScanTime: isoOrNull(utcMillis(f.last_scan_time)),
      backupEnabled: null,
    });
  }
  return out;
}

export function mapClientDevices(result: XmlElement, clientId: string, type: DeviceType, onDrop?: DropReporter): ClientDevice[] {
  const out: ClientDevice[] = [];
  for (const client of childElements(itemsOf(result), "client")) {
    for (const site of childElements(client, "site")) {
      const siteFields = recordFields(site);
      const siteId = siteFields.id;
      if (!siteId || !/^\d+$/.test(siteId)) {
        onDrop?.("list_devices_at_client", "site without a numeric id");
        continue;
      }
      for (const el of childElements(site, type)) {
        const f = recordFields(el);
        const deviceId = f.id;
        if (!deviceId || !/^\d+$/.test(deviceId)) {
          onDrop?.("list_devices_at_client", `${type} without a numeric id`);
          continue;
        }
        out.push({
          deviceId,
          clientId,
          siteId,
          siteName: siteFields.name ?? "",
          type,
          name: f.name ?? "",
          description: optionalText(f, "description"),
          username: optionalText(f, "username"),
          status: optionalText(f, "status"),
          backupEnabled: optionalFlag(f, "mob") ?? false,
        });
      }
    }
  }
  return out;
}

const TYPE_SET: ReadonlySet<string> = new Set(SESSION_TYPES);
const PLUGIN_SET: ReadonlySet<string> = new Set(BACKUP_PLUGINS);
const STATUS_SET: ReadonlySet<string> = new Set(SESSION_STATUSES);

/** The fields of a `<session>`, in the order the mapping below reads them by index. */
export const SESSION_FIELDS = [
  "session_id",
  "type",
  "storage_account_id",
  "plugin",
  "start",
  "end",
  "selection_size",
  "selection_item_count",
  "size_change",
  "item_count_change",
  "removed_item_count",
  "processed_size",
  "processed_item_count",
  "transferred_size",
  "error_count",
  "status",
] as const;

/**
 * A byte or item count; values above 2^32 are normal. Digits only (a leading minus
 * allowed), so "1e5" or "0x1F" are not silently turned into numbers, and nothing beyond
 * 2^53 - 1, which a double would round: such a size is refused (unknown), never shown wrong.
 */
function size(value: string | undefined): number | null {
  if (value === undefined || value.length === 0 || value.length > 17) return null;
  let i = value.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i === value.length) return null;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * N-sight's "YYYY-MM-DD HH:MM:SS" in UTC, as epoch ms and ISO 8601 with Z; null when
 * absent, a sentinel (0000-00-00 …) or not a real instant. Hot path: no regex, no Date.
 */
function utcStamp(value: string | undefined): { ms: number; iso: string } | null {
  if (value === undefined || value.length !== 19) return null;
  const sep = value.charCodeAt(10);
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || (sep !== 32 && sep !== 84) || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) {
    return null;
  }
  const y = digits(value, 0, 4);
  const mo = digits(value, 5, 2);
  const d = digits(value, 8, 2);
  const h = digits(value, 11, 2);
  const mi = digits(value, 14, 2);
  const sec = digits(value, 17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1]! || (mo === 2 && d === 29 && !leap)) return null;
  return { ms: Date.UTC(y, mo - 1, d, h, mi, sec), iso: `${value.slice(0, 10)}T${value.slice(11)}Z` };
}

/** Maps one session's field values (indexed as SESSION_FIELDS); null without a session id. */
export function sessionFromValues(v: readonly (string | undefined)[]): BackupSession | null {
  const sessionId = v[0];
  if (!sessionId) return null;
  const type = v[1] ?? "";
  const plugin = v[3] ?? "";
  const status = v[15] ?? "";
  const start = utcStamp(v[4]);
  const end = utcStamp(v[5]);
  const session: BackupSession = {
    sessionId,
    type,
    storageAccountId: v[2] || null,
    plugin,
    start: start?.iso ?? null,
    end: end?.iso ?? null,
    durationSeconds: start && end && end.ms >= start.ms ? (end.ms - start.ms) / 1000 : null,
    selectionSize: size(v[6]),
    selectionItemCount: size(v[7]),
    sizeChange: size(v[8]),
    itemCountChange: size(v[9]),
    removedItemCount: size(v[10]),
    processedSize: size(v[11]),
    processedItemCount: size(v[12]),
    transferredSize: size(v[13]),
    errorCount: size(v[14]),
    status,
  };
  if (!TYPE_SET.has(type) || !PLUGIN_SET.has(plugin) || !STATUS_SET.has(status)) {
    const unknown: ("type" | "plugin" | "status")[] = [];
    if (!TYPE_SET.has(type)) unknown.push("type");
    if (!PLUGIN_SET.has(plugin)) unknown.push("plugin");
    if (!STATUS_SET.has(status)) unknown.push("status");
    session.unknownValues = unknown;
  }
  return session;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Sessions sorted by start (N-sight documents no order), ties by id; undated last. */
export function sortSessionsByStart(sessions: BackupSession[]): BackupSession[] {
  // ISO strings of one format sort chronologically as text.
  return sessions.sort((a, b) => {
    if (a.start === b.start) return compareIds(a.sessionId, b.sessionId);
    if (a.start === null) return 1;
    if (b.start === null) return -1;
    return a.start < b.start ? -1 : 1;
  });
}

/** Maps session field values (from either reader) to sorted sessions. */
export function sessionsFromValues(rows: readonly (readonly (string | undefined)[])[], onDrop?: DropReporter): BackupSession[] {
  const out: BackupSession[] = [];
  for (const values of rows) {
    const session = sessionFromValues(values);
    if (session) out.push(session);
    else onDrop?.("list_mob_sessions", "session without a session_id");
  }
  return sortSessionsByStart(out);
}

/** Sessions from a `<result>` read by the general reader. */
export function mapSessions(result: XmlElement, onDrop?: DropReporter): BackupSession[] {
  const rows = records(result, "session").map((el) => {
    const f = recordFields(el);
    return SESSION_FIELDS.map((name) => f[name]);
  });
  return sessionsFromValues(rows, onDrop);
}
