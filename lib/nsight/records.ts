/**
 * Maps the `<result>` of each N-sight service to the app's DTOs (lib/types.ts).
 *
 * N-sight's quirks handled here (reference §5 and §10): one record is not wrapped in a
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

/** A non-negative whole number, or null when absent or not a number. */
function optionalCount(fields: Fields, name: string): number | null {
  const value = fields[name];
  if (value === undefined || value === "" || !/^-?\d+$/.test(value)) return null;
  return Number(value);
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

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * N-sight's "YYYY-MM-DD HH:MM:SS" read as UTC: returns epoch milliseconds, or NaN when
 * absent, a sentinel, or not a real date.
 */
export function utcMillis(value: string | undefined): number {
  if (!value) return NaN;
  const m = DATE_TIME.exec(value);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return NaN;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 31 February over into March; a real timestamp round-trips.
  return new Date(ms).getUTCDate() === d ? ms : NaN;
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

/** `last_boot_time` is Unix seconds as text, empty, or "Not Available" (reference §5.5). */
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

/** A byte or item count; values above 2^32 are normal and exact up to 2^53. */
function size(value: string | undefined): number | null {
  if (value === undefined || value === "") return null;
  // Fast path for the common case; the regex guards against "1e5", "0x1F" and the like.
  if (!/^-?\d{1,16}$/.test(value)) return null;
  return Number(value);
}

function mapSession(el: XmlElement): BackupSession | null {
  const f = recordFields(el);
  const sessionId = f.session_id;
  if (!sessionId) return null;
  const startMs = utcMillis(f.start);
  const endMs = utcMillis(f.end);
  const type = f.type ?? "";
  const plugin = f.plugin ?? "";
  const status = f.status ?? "";
  const session: BackupSession = {
    sessionId,
    type,
    storageAccountId: f.storage_account_id || null,
    plugin,
    start: isoOrNull(startMs),
    end: isoOrNull(endMs),
    durationSeconds: !Number.isNaN(startMs) && !Number.isNaN(endMs) && endMs >= startMs ? (endMs - startMs) / 1000 : null,
    selectionSize: size(f.selection_size),
    selectionItemCount: size(f.selection_item_count),
    sizeChange: size(f.size_change),
    itemCountChange: size(f.item_count_change),
    removedItemCount: size(f.removed_item_count),
    processedSize: size(f.processed_size),
    processedItemCount: size(f.processed_item_count),
    transferredSize: size(f.transferred_size),
    errorCount: size(f.error_count),
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

/** Sessions sorted by start (N-sight documents no order); undated sessions last. */
export function mapSessions(result: XmlElement, onDrop?: DropReporter): BackupSession[] {
  const out: BackupSession[] = [];
  for (const el of records(result, "session")) {
    const session = mapSession(el);
    if (session) out.push(session);
    else onDrop?.("list_mob_sessions", "session without a session_id");
  }
  // ISO strings of one format sort chronologically as text.
  out.sort((a, b) => {
    if (a.start === b.start) return compareIds(a.sessionId, b.sessionId);
    if (a.start === null) return 1;
    if (b.start === null) return -1;
    return a.start < b.start ? -1 : 1;
  });
  return out;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
