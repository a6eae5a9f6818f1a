import "server-only";
/** Maps inventory answers to DTOs (docs/nsight-api.md §4): everything is text, sentinels mean unknown. */
import type { Client, ClientDevice, DeviceType, Site, SiteDevice } from "../types";
import { utcMillis } from "./session-records";
import { childElement, childElements, recordFields, type XmlElement } from "./xml";

type Fields = Record<string, string>;

const SENTINELS = new Set(["none", "not available", "n/a", "0000-00-00", "0000-00-00 00:00:00"]);

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

function isoOrNull(ms: number): string | null {
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace(".000Z", "Z");
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
