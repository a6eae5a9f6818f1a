/** The simulated account (clients → sites → devices), deterministic for (seed, devices, now). */
import { Rng } from "./prng";
import { profileFor, type BackupProfile, type ProfileContext } from "./profiles";
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
import { DAY, startOfUtcDay, utcDate } from "./time";

export type DeviceType = "server" | "workstation";
export type ServerRole = "dc" | "fs" | "sql" | "exchange" | "esx" | "app" | "rds" | "print";
export type DeviceRole = ServerRole | "laptop" | "desktop";

/** Largest supported fleet: session ids reserve five decimal digits for the device. */
export const MAX_DEVICES = 50_000;

const FIRST_CLIENT_ID = 100001;
const FIRST_SITE_ID = 200001;
const FIRST_DEVICE_ID = 3000001;

export interface FleetDevice {
  id: string;
  ordinal: number;
  clientId: string;
  siteId: string;
  type: DeviceType;
  role: DeviceRole;
  name: string;
  seed: number;
  mob: boolean;
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
  now: Date;
  clients: FleetClient[];
  sites: FleetSite[];
  devices: FleetDevice[];
  clientById: ReadonlyMap<string, FleetClient>;
  siteById: ReadonlyMap<string, FleetSite>;
  deviceById: ReadonlyMap<string, FleetDevice>;
}

interface FleetOptions {
  seed: number;
  devices: number;
  now: Date;
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

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
  // Fixed devices have B&R on whatever the seed, or their scenarios would not hold.
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

/** The fixed ids of scenarios.ts form one unbroken run per kind, so generated ids simply continue after them. */
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
