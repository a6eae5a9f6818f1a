import type { DeviceRole, DeviceType, ServerRole } from "./fleet";
import { SERVER_ROLE_DESCRIPTION } from "./names";
import type { Rng } from "./prng";
import { utcDate } from "./time";

const GB = 1024 ** 3;

export interface DeviceInventory {
  guid: string;
  description: string;
  /** list_devices_at_client `<username>`; null = element absent. */
  username: string | null;
  installDate: string;
  user: string;
  domain: string;
  manufacturer: string;
  model: string;
  ip: string;
  externalIp: string;
  macs: [string, string, string];
  os: string;
  osDetails: string;
  agentVersion: string;
  assetId: number;
  chassisType: number;
  deviceSerial: string;
  processorCount: number;
  totalMemory: number;
  osSerialNumber: string;
  osProductKey: string;
  osType: number;
  online: boolean;
  /** `last_boot_time` sentinel mix (docs/nsight-api.md §4.3). */
  lastBoot: { kind: "epoch"; secondsBeforeNow: number } | { kind: "empty" } | { kind: "notAvailable" };
  /** `last_scan_time`: minutes before now, or null for `0000-00-00 00:00:00`. */
  lastScanMinutesAgo: number | null;
  checkInterval247: number;
  dscHour: number;
  checks: { dsc247: number; pass: number; clear: number; fail: number }[];
  takeControl: boolean;
  patch: boolean;
  mav: boolean;
  systray: boolean;
  mavBreck: boolean;
  webProtection: boolean;
  riskIntelligence: boolean;
  status: string;
}

function macAddress(rng: Rng): string {
  const bytes = [0x00, rng.pick([0x15, 0x1a, 0x50, 0x0c]), rng.int(0, 255), rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(":");
}

const WORKSTATION_OS = [
  ["Microsoft Windows 11 Pro", "10.0.22631, 64-bit (build 22631)", 4],
  ["Microsoft Windows 11 Enterprise", "10.0.26100, 64-bit (build 26100)", 1],
  ["Microsoft Windows 10 Pro", "10.0.19045, 64-bit (build 19045)", 3],
  ["Microsoft Windows 10 Enterprise", "10.0.19045, 64-bit (build 19045)", 1],
] as const;
const SERVER_OS = [
  ["Microsoft Windows Server 2022 Standard", "10.0.20348, 64-bit (build 20348)", 4],
  ["Microsoft Windows Server 2019 Standard", "10.0.17763, 64-bit (build 17763)", 3],
  ["Microsoft Windows Server 2016 Standard", "10.0.14393, 64-bit (build 14393)", 2],
  ["Microsoft Windows Server 2012 R2 Standard", "6.3.9600, 64-bit Service Pack 0 (build 9600)", 0.5],
] as const;
const LAPTOPS = [
  ["LENOVO", "20XW004GUK"],
  ["Dell Inc.", "Latitude 5440"],
  ["HP", "HP EliteBook 840 G9"],
  ["Microsoft Corporation", "Surface Laptop 5"],
] as const;
const DESKTOPS = [
  ["Dell Inc.", "OptiPlex 7010"],
  ["HP", "HP EliteDesk 800 G6 SFF"],
  ["LENOVO", "11DT0034GE"],
] as const;
const SERVERS = [
  ["Dell Inc.", "PowerEdge R650", 23],
  ["HPE", "ProLiant DL380 Gen10", 23],
  ["VMware, Inc.", "VMware Virtual Platform", 1],
  ["Microsoft Corporation", "Virtual Machine", 1],
] as const;

export function inventoryFor(
  rng: Rng,
  device: { id: string; ordinal: number; type: DeviceType; role: DeviceRole; name: string },
  owner: { prefix: string; subnet: number; externalIp: string; person: string | null },
  installMs: number,
  mob: boolean,
): DeviceInventory {
  const server = device.type === "server";
  const [os, osDetails] = server
    ? rng.weighted(SERVER_OS.map((o) => [[o[0], o[1]] as const, o[2]] as const))
    : rng.weighted(WORKSTATION_OS.map((o) => [[o[0], o[1]] as const, o[2]] as const));
  let manufacturer: string;
  let model: string;
  let chassisType: number;
  if (server) {
    const s = rng.pick(SERVERS);
    [manufacturer, model, chassisType] = [s[0], s[1], s[2]];
  } else if (device.role === "laptop") {
    [manufacturer, model] = rng.pick(LAPTOPS);
    chassisType = 10;
  } else {
    [manufacturer, model] = rng.pick(DESKTOPS);
    chassisType = 3;
  }
  const domain = `${owner.prefix.toLowerCase()}.local`;
  const account = server ? "Administrator" : (owner.person ?? rng.pick(["reception", "office", "user", "admin"]));
  const user = `${owner.prefix}\\${account}`;
  const online = device.role === "laptop" ? rng.chance(0.6) : rng.chance(0.95);
  const bootKind = rng.float();
  const checks: DeviceInventory["checks"] = [
    { dsc247: 1, pass: rng.int(3, server ? 25 : 10), clear: rng.int(0, 2), fail: rng.chance(0.15) ? rng.int(1, 3) : 0 },
    { dsc247: 2, pass: rng.int(2, 12), clear: rng.int(0, 1), fail: rng.chance(0.1) ? 1 : 0 },
  ];
  if (mob) checks.push({ dsc247: 6, pass: rng.chance(0.9) ? 1 : 0, clear: 0, fail: 0 });
  const anyFail = checks.some((c) => c.fail > 0);
  return {
    guid: rng.chance(0.3) ? "" : `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
    description: server ? (rng.chance(0.7) ? SERVER_ROLE_DESCRIPTION[device.role as ServerRole] ?? "" : "") : rng.chance(0.3) ? model : "",
    username: rng.chance(0.85) ? user : null,
    installDate: utcDate(installMs),
    user,
    domain,
    manufacturer,
    model,
    ip: `${owner.subnet === 10 ? "10.0" : "192.168"}.${rng.int(0, 20)}.${rng.int(10, 250)}`,
    externalIp: owner.externalIp,
    macs: [macAddress(rng), rng.chance(0.4) ? macAddress(rng) : "", ""],
    os,
    osDetails,
    agentVersion: rng.pick(["10_13_8", "10_13_8", "10_12_5", "10_14_1"]),
    assetId: 500000 + device.ordinal * 7,
    chassisType,
    deviceSerial: server && chassisType === 1 ? `VMware-${rng.hex(16)}` : rng.hex(7).toUpperCase(),
    processorCount: server ? rng.pick([4, 8, 16, 24, 32]) : rng.pick([4, 8, 12, 16]),
    totalMemory: (server ? rng.pick([16, 32, 64, 128, 256]) : rng.pick([8, 16, 16, 32])) * GB,
    osSerialNumber: `00${rng.int(300, 399)}-${rng.int(10000, 99999)}-${rng.int(10000, 99999)}-AA${rng.int(100, 999)}`,
    osProductKey: `XXXXX-XXXXX-XXXXX-XXXXX-${rng.hex(5).toUpperCase()}`,
    osType: server ? 7 : 1,
    online,
    lastBoot:
      bootKind < 0.75
        ? { kind: "epoch", secondsBeforeNow: rng.int(600, server ? 60 * 86400 : 10 * 86400) }
        : bootKind < 0.9
          ? { kind: "empty" }
          : { kind: "notAvailable" },
    lastScanMinutesAgo: rng.chance(0.85) ? rng.int(30, 14 * 1440) : null,
    checkInterval247: server ? 5 : 60,
    dscHour: rng.int(0, 23),
    checks,
    takeControl: rng.chance(0.9),
    patch: rng.chance(0.6),
    mav: rng.chance(0.5),
    systray: !server && rng.chance(0.7),
    mavBreck: rng.chance(0.3),
    webProtection: !server && rng.chance(0.3),
    riskIntelligence: rng.chance(0.2),
    status: anyFail ? "Failed" : "Ok",
  };
}
