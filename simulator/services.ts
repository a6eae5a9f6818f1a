/** N-sight's read services over the simulated fleet (docs/nsight-api.md §7); server.ts decides how (and whether) an answer reaches the wire. */
import type { Fleet, FleetClient, FleetDevice, FleetSite, DeviceType } from "./fleet";
import { Lru } from "./lru";
import { InjectedSessions } from "./injections";
import { faultKindOf, hostileKindOf, type FaultKind, type HostileKind } from "./scenarios";
import type { Session } from "./sessions";
import { MINUTE, SECOND, isoWithOffset, localDateAndTime, utcDateTime, zoneOffsetMinutes } from "./time";
import {
  XML_DECLARATION,
  containerElement,
  encodeLatin1,
  errorInner,
  intText,
  plainElement,
  resultOpenTag,
  textElement,
  type ResultStatus,
} from "./xml";

const SERVICE_NAMES = [
  "list_clients",
  "list_sites",
  "list_servers",
  "list_workstations",
  "list_devices_at_client",
  "list_mob_sessions",
] as const;
type ServiceName = (typeof SERVICE_NAMES)[number];

interface ServiceSettings {
  timezone: string;
  unknownServiceCode: number;
}

export class ApiAnswer {
  constructor(
    readonly service: string | null,
    readonly status: ResultStatus,
    /** In pieces, so a big cached session run is sent as is, never copied. */
    readonly parts: readonly Buffer[],
    readonly fault?: FaultKind,
    readonly hostile?: HostileKind,
  ) {}

  get byteLength(): number {
    let n = 0;
    for (const p of this.parts) n += p.byteLength;
    return n;
  }

  get body(): Buffer {
    return this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
  }
}

type Params = ReadonlyMap<string, string>;

interface ParameterDoc {
  name: string;
  type: "boolean" | "integer" | "string" | "number";
  default: string;
  values: string;
  description: string;
  required: boolean;
}

interface ServiceDoc {
  description: string;
  parameters: ParameterDoc[];
}

const DESCRIBE: ParameterDoc = {
  name: "describe",
  type: "boolean",
  default: "0",
  values: "true",
  description: "Optional. Returns a description of the service.",
  required: false,
};

const DOCS: Record<ServiceName, ServiceDoc> = {
  list_clients: {
    description: "Lists all clients.",
    parameters: [
      DESCRIBE,
      {
        name: "devicetype",
        type: "string",
        default: "server",
        values: "server, workstation, mobile_device",
        description: "Optional. Only list clients with active devices of this type.",
        required: false,
      },
    ],
  },
  list_sites: {
    description: "Lists all sites for a client.",
    parameters: [DESCRIBE, { name: "clientid", type: "integer", default: "0", values: "0", description: "The clientid must be a valid id.", required: true }],
  },
  list_servers: {
    description: "Lists all servers for a site (including top level asset information if available).",
    parameters: [DESCRIBE, { name: "siteid", type: "integer", default: "0", values: "0", description: "The siteid must be a valid id.", required: true }],
  },
  list_workstations: {
    description:
      "Lists all workstations for a site (including top level asset information if available). Includes Agentless scans and mini-agent devices.",
    parameters: [DESCRIBE, { name: "siteid", type: "integer", default: "0", values: "0", description: "The siteid must be a valid id.", required: true }],
  },
  list_devices_at_client: {
    description: "Lists all devices of the given type for a client, by site.",
    parameters: [
      DESCRIBE,
      { name: "clientid", type: "integer", default: "0", values: "0", description: "The clientid must be a valid id.", required: true },
      {
        name: "devicetype",
        type: "string",
        default: "server",
        values: "server, workstation, mobile_device",
        description: "The type of device to list.",
        required: true,
      },
    ],
  },
  list_mob_sessions: {
    description: "Lists all Backup & Recovery - previously known as Managed Online Backup - (MOB) sessions for a device.",
    parameters: [DESCRIBE, { name: "deviceid", type: "number", default: "0", values: "0", description: "The deviceid must be a valid id", required: true }],
  },
};

const DEVICE_TYPES = ["server", "workstation", "mobile_device"] as const;
type DeviceTypeParam = (typeof DEVICE_TYPES)[number];

class Rejection {
  constructor(
    readonly code: number,
    readonly message: string,
  ) {}
}

const missing = (name: string) => new Rejection(5, `Missing parameter: ${name}`);
const invalid = (name: string) => new Rejection(4, `Invalid value for parameter: ${name}`);

const BODY_CACHE_BYTES = 128 * 1024 * 1024;

export class NsightApi {
  private fleet: Fleet;
  readonly injected = new InjectedSessions();
  private readonly sessionBodies = new Lru<FleetDevice, { list: readonly Session[]; bytes: Buffer }>(
    BODY_CACHE_BYTES,
    (e) => e.bytes.byteLength + 64,
  );

  constructor(
    fleet: Fleet,
    private readonly clock: () => number,
    private readonly settings: () => ServiceSettings,
  ) {
    this.fleet = fleet;
  }

  setFleet(fleet: Fleet): void {
    this.fleet = fleet;
    this.sessionBodies.clear();
  }

  call(params: Params, host: string, apiKey: string): ApiAnswer {
    const nowMs = this.clock();
    const { timezone, unknownServiceCode } = this.settings();
    const created = isoWithOffset(nowMs, timezone);
    const serviceParam = params.get("service") ?? null;
    const head = (status: ResultStatus) => Buffer.from(XML_DECLARATION + resultOpenTag(created, host, status), "latin1");
    const whole = (status: ResultStatus, inner: string) => new ApiAnswer(serviceParam, status, [head(status), encodeLatin1(inner), CLOSE]);

    // Validation order (docs/nsight-api.md §6.1): key, service, required parameters, values.
    if (params.get("apikey") !== apiKey || apiKey === "") return whole("FAIL", errorInner(3, "Login failed"));
    if (serviceParam === null || !isServiceName(serviceParam)) return whole("FAIL", errorInner(unknownServiceCode, "Service unknown"));
    const service = serviceParam;
    if (params.get("describe") === "true") return whole("OK", describe(service, host));

    try {
      switch (service) {
        case "list_clients":
          return whole("OK", this.listClients(optionalDeviceType(params, "devicetype")));
        case "list_sites":
          return whole("OK", this.listSites(this.client(params)));
        case "list_servers":
          return whole("OK", this.listSiteDevices(this.site(params), "server", nowMs));
        case "list_workstations":
          return whole("OK", this.listSiteDevices(this.site(params), "workstation", nowMs));
        case "list_devices_at_client": {
          const client = this.client(params);
          return whole("OK", this.listDevicesAtClient(client, optionalDeviceType(params, "devicetype") ?? "server"));
        }
        case "list_mob_sessions": {
          const device = this.device(params);
          return new ApiAnswer(service, "OK", [head("OK"), this.sessionsBody(device, nowMs), CLOSE], faultKindOf(device.id), hostileKindOf(device.id));
        }
      }
    } catch (error) {
      if (error instanceof Rejection) return whole("FAIL", errorInner(error.code, error.message));
      throw error;
    }
  }

  private lookup<T>(params: Params, name: string, map: ReadonlyMap<string, T>): T {
    const raw = params.get(name);
    if (raw === undefined || raw === "") throw missing(name);
    // N-sight ids are decimal integers; PHP reads "0100001" as 100001.
    if (!/^\d{1,15}$/.test(raw)) throw invalid(name);
    const found = map.get(String(Number(raw)));
    if (found === undefined) throw invalid(name);
    return found;
  }

  private client(params: Params): FleetClient {
    return this.lookup(params, "clientid", this.fleet.clientById);
  }

  private site(params: Params): FleetSite {
    return this.lookup(params, "siteid", this.fleet.siteById);
  }

  private device(params: Params): FleetDevice {
    return this.lookup(params, "deviceid", this.fleet.deviceById);
  }

  private listClients(filter: DeviceTypeParam | null): string {
    let out = "";
    for (const client of this.fleet.clients) {
      let servers = 0;
      let workstations = 0;
      for (const site of client.sites) {
        for (const d of site.devices) {
          if (d.type === "server") servers++;
          else workstations++;
        }
      }
      // With a filter, only clients that have active devices of that type (docs/nsight-api.md §7.1).
      if (filter === "server" && servers === 0) continue;
      if (filter === "workstation" && workstations === 0) continue;
      if (filter === "mobile_device") continue;
      out +=
        "<client>" +
        textElement("name", client.name) +
        plainElement("clientid", client.id) +
        plainElement("view_dashboard", client.viewDashboard) +
        plainElement("view_wkstsn_assets", client.viewWorkstationAssets) +
        textElement("dashboard_username", client.dashboardUsername) +
        textElement("timezone", client.timezone) +
        plainElement("creation_date", client.creationDate) +
        plainElement("server_count", servers) +
        plainElement("workstation_count", workstations) +
        plainElement("mobile_device_count", 0) +
        plainElement("device_count", servers + workstations) +
        "</client>";
    }
    return containerElement("items", out);
  }

  private listSites(client: FleetClient): string {
    let out = "";
    for (const site of client.sites) {
      out +=
        "<site>" +
        plainElement("siteid", site.id) +
        textElement("name", site.name) +
        plainElement("connection_ok", site.connectionOk) +
        plainElement("creation_date", site.creationDate) +
        textElement("primary_router", site.primaryRouter) +
        textElement("secondary_router", site.secondaryRouter) +
        "</site>";
    }
    return containerElement("items", out);
  }

  private listSiteDevices(site: FleetSite, type: DeviceType, nowMs: number): string {
    let out = "";
    for (const device of site.devices) if (device.type === type) out += siteDeviceRecord(device, nowMs);
    return containerElement("items", out);
  }

  private listDevicesAtClient(client: FleetClient, type: DeviceTypeParam): string {
    if (type === "mobile_device") return "<items/>";
    // Ordered by site name, then device name (docs/nsight-api.md §4.2).
    const sites = [...client.sites].sort((a, b) => byName(a.name, b.name) || byName(a.id, b.id));
    let inner = "";
    for (const site of sites) {
      const devices = site.devices.filter((d) => d.type === type).sort((a, b) => byName(a.name, b.name) || byName(a.id, b.id));
      if (devices.length === 0) continue;
      inner += `<site>${plainElement("id", site.id)}${textElement("name", site.name)}${devices.map(clientDeviceRecord).join("")}</site>`;
    }
    if (inner === "") return "<items/>";
    return `<items><client>${plainElement("id", client.id)}${textElement("name", client.name)}${inner}</client></items>`;
  }

  private sessionsBody(device: FleetDevice, nowMs: number): Buffer {
    const list = this.injected.sessionsOf(device, nowMs);
    const cached = this.sessionBodies.get(device);
    if (cached && cached.list === list) return cached.bytes;
    const parts: string[] = new Array<string>(list.length);
    for (let i = 0; i < list.length; i++) parts[i] = sessionXml(list[i] as Session);
    const bytes = Buffer.from(parts.join(""), "latin1");
    this.sessionBodies.set(device, { list, bytes });
    return bytes;
  }
}

const CLOSE = Buffer.from("</result>", "latin1");

function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

function optionalDeviceType(params: Params, name: string): DeviceTypeParam | null {
  const raw = params.get(name);
  if (raw === undefined || raw === "") return null;
  // Enum values are case sensitive on N-sight (docs/nsight-api.md §2).
  if (!(DEVICE_TYPES as readonly string[]).includes(raw)) throw invalid(name);
  return raw as DeviceTypeParam;
}

function byName(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function describe(service: ServiceName, host: string): string {
  const doc = DOCS[service];
  const url =
    `https://${host}/api/default.php?apikey=api_token&service=${service}<br />` +
    "&required_parameters=required_parameters<br />[&optional_parameters=optional_parameters]";
  const parameters = doc.parameters
    .map(
      (p) =>
        "<parameter>" +
        plainElement("name", p.name) +
        plainElement("type", p.type) +
        plainElement("default", p.default) +
        plainElement("values", p.values) +
        textElement("description", p.description) +
        plainElement("required", p.required ? "yes" : "no") +
        "</parameter>",
    )
    .join("");
  return `<service>${plainElement("name", service)}${textElement("url", url)}${textElement("description", doc.description)}<parameters>${parameters}</parameters></service>`;
}

function sessionXml(s: Session): string {
  return (
    `<session><session_id>${s.sessionId}</session_id><type>${s.type}</type>` +
    `<storage_account_id>${s.storageAccountId}</storage_account_id><plugin>${s.plugin}</plugin>` +
    `<start>${utcDateTime(s.startMs)}</start><end>${utcDateTime(s.endMs)}</end>` +
    `<selection_size>${intText(s.selectionSize)}</selection_size><selection_item_count>${s.selectionItemCount}</selection_item_count>` +
    `<size_change>${intText(s.sizeChange)}</size_change><item_count_change>${s.itemCountChange}</item_count_change>` +
    `<removed_item_count>${s.removedItemCount}</removed_item_count><processed_size>${intText(s.processedSize)}</processed_size>` +
    `<processed_item_count>${s.processedItemCount}</processed_item_count><transferred_size>${intText(s.transferredSize)}</transferred_size>` +
    `<error_count>${s.errorCount}</error_count><status>${s.status}</status></session>`
  );
}

function clientDeviceRecord(d: FleetDevice): string {
  const inv = d.inventory;
  let out = `<${d.type}>${plainElement("id", d.id)}${textElement("name", d.name)}`;
  // Real answers leave <username> out for some devices.
  if (inv.username !== null) out += textElement("username", inv.username);
  out += textElement("description", inv.description) + plainElement("status", inv.status);
  for (const c of inv.checks) {
    out += `<checkcount>${plainElement("dsc_247", c.dsc247)}${plainElement("pass", c.pass)}${plainElement("clear", c.clear)}${plainElement("fail", c.fail)}</checkcount>`;
  }
  out +=
    plainElement("takecontrol", inv.takeControl) +
    plainElement("patch", inv.patch) +
    plainElement("mav", inv.mav) +
    plainElement("mob", d.mob) +
    plainElement("systray", inv.systray) +
    plainElement("mavbreck", inv.mavBreck) +
    plainElement("webprotection", inv.webProtection) +
    plainElement("riskintelligence", inv.riskIntelligence);
  return `${out}</${d.type}>`;
}

// --- list_servers / list_workstations record (docs/nsight-api.md §7.3) -------------------

interface ZoneRules {
  bias: number;
  dstBias: number;
  stdBias: number;
  mode: number;
  dstDate: string;
  stdDate: string;
}

const NO_DST_DATE = "0000-00-00:00T00:00:00";
const zoneRulesCache = new Map<string, ZoneRules>();

/** The agent's Windows-style time zone fields, from the client's IANA zone. */
function zoneRules(timezone: string, nowMs: number): ZoneRules {
  const year = new Date(nowMs).getUTCFullYear();
  const key = `${timezone}|${year}`;
  const cached = zoneRulesCache.get(key);
  if (cached) return cached;
  const jan = zoneOffsetMinutes(Date.UTC(year, 0, 15), timezone);
  const jul = zoneOffsetMinutes(Date.UTC(year, 6, 15), timezone);
  const std = Math.min(jan, jul);
  const dst = Math.max(jan, jul);
  const north = jul > jan;
  const rules: ZoneRules = {
    bias: -std,
    dstBias: std - dst,
    stdBias: 0,
    mode: dst === std ? 0 : 1,
    dstDate: dst === std ? NO_DST_DATE : north ? (timezone.startsWith("America/") ? "0000-03-02:00T02:00:00" : "0000-03-05:00T01:00:00") : "0000-10-01:00T02:00:00",
    stdDate: dst === std ? NO_DST_DATE : north ? (timezone.startsWith("America/") ? "0000-11-01:00T02:00:00" : "0000-10-05:00T02:00:00") : "0000-04-01:00T03:00:00",
  };
  zoneRulesCache.set(key, rules);
  return rules;
}

function siteDeviceRecord(d: FleetDevice, nowMs: number): string {
  const inv = d.inventory;
  const server = d.type === "server";
  const tz = d.timezone || "UTC";
  const rules = zoneRules(tz, nowMs);
  const last247 = nowMs - ((Number(d.id) * 7919) % inv.checkInterval247) * MINUTE - ((Number(d.id) * 31) % 60) * SECOND;
  const local247 = localDateAndTime(last247, tz);
  const offsetMin = zoneOffsetMinutes(nowMs, tz);
  const localNow = nowMs + offsetMin * MINUTE;
  let dscLocal = Math.floor(localNow / 86_400_000) * 86_400_000 + inv.dscHour * 3_600_000;
  if (dscLocal > localNow) dscLocal -= 86_400_000;
  const dscUtc = dscLocal - offsetMin * MINUTE;
  const dscLocalParts = localDateAndTime(dscUtc, tz);
  const lastBoot =
    inv.lastBoot.kind === "epoch" ? String(Math.floor(nowMs / 1000) - inv.lastBoot.secondsBeforeNow) : inv.lastBoot.kind === "notAvailable" ? "Not Available" : "";
  const lastScan = inv.lastScanMinutesAgo === null ? "0000-00-00 00:00:00" : utcDateTime(nowMs - inv.lastScanMinutesAgo * MINUTE);
  const utcApt = inv.online ? utcDateTime(last247) : "";

  let out =
    `<${d.type}>` +
    textElement("guid", inv.guid) +
    textElement("name", d.name) +
    textElement("description", inv.description) +
    plainElement("install_date", inv.installDate) +
    textElement("last_boot_time", lastBoot) +
    plainElement("dsc_active", 1) +
    plainElement("atz_dst_date", rules.dstDate) +
    plainElement("utc_apt", utcApt) +
    plainElement("utc_offset", offsetMin * 60) +
    textElement("user", inv.user) +
    textElement("domain", inv.domain) +
    textElement("manufacturer", inv.manufacturer) +
    textElement("model", inv.model) +
    textElement("ip", inv.ip) +
    textElement("external_ip", inv.externalIp) +
    textElement("mac1", inv.macs[0]) +
    textElement("mac2", inv.macs[1]) +
    textElement("mac3", inv.macs[2]) +
    textElement("os", inv.os) +
    textElement("os_details", inv.osDetails) +
    plainElement(server ? "serverid" : "workstationid", d.id) +
    textElement("agent_version", inv.agentVersion) +
    plainElement("agent_mode", 3) +
    plainElement("online", inv.online) +
    plainElement("active_247", server ? 1 : 0) +
    plainElement("check_interval_247", inv.checkInterval247) +
    plainElement("status_247", inv.status === "Ok" ? 5 : 1) +
    plainElement("local_date_247", local247.date) +
    plainElement("local_time_247", local247.time) +
    plainElement("utc_time_247", utcDateTime(last247)) +
    plainElement("dsc_hour", inv.dscHour) +
    plainElement("dsc_status", inv.checks.some((c) => c.dsc247 === 2 && c.fail > 0) ? 1 : 5) +
    plainElement("dsc_local_date", dscLocalParts.date) +
    plainElement("dsc_local_time", dscLocalParts.time) +
    plainElement("dsc_utc_time", utcDateTime(dscUtc)) +
    plainElement("tz_bias", rules.bias) +
    plainElement("tz_dst_bias", rules.dstBias) +
    plainElement("tz_std_bias", rules.stdBias) +
    plainElement("tz_mode", rules.mode) +
    plainElement("tz_dst_date", rules.dstDate) +
    plainElement("tz_std_date", rules.stdDate) +
    plainElement("assetid", inv.assetId) +
    textElement("wins_name", d.name.toUpperCase().slice(0, 15)) +
    plainElement("role", server ? 2 : 1) +
    plainElement("chassis_type", inv.chassisType) +
    textElement("device_serial", inv.deviceSerial) +
    plainElement("processor_count", inv.processorCount) +
    plainElement("total_memory", inv.totalMemory) +
    plainElement("service_pack", 0) +
    textElement("os_serial_number", inv.osSerialNumber) +
    textElement("os_product_key", inv.osProductKey) +
    plainElement("os_type", inv.osType) +
    plainElement("last_scan_time", lastScan);
  if (server) {
    // Fields only servers carry (docs/nsight-api.md §7.3); where they sit among the others is unknown.
    out +=
      plainElement("miss_factor_247", 2) +
      plainElement("missed_247", inv.online ? 0 : 3) +
      plainElement("email_overdue_alert", 1) +
      plainElement("sms_overdue_alert", 0) +
      textElement("remote_connection_type", "") +
      textElement("remote_address", "") +
      textElement("remote_port", "") +
      textElement("remote_username", "") +
      textElement("remote_domain", "");
  }
  return `${out}</${d.type}>`;
}
