import { describe, expect, it } from "vitest";
import { generateFleet, type Fleet } from "./fleet";
import { hash32, mulberry32, Rng } from "./prng";
import { FIXED_CLIENTS, FIXED_CLIENT_COUNT, FIXED_DEVICE_COUNT, FIXED_SITE_COUNT, HOSTILE_KINDS, SCENARIO, SCENARIO_PLACES, ZURICH_SITE_ID } from "./scenarios";

const NOW = new Date("2026-11-27T07:00:00Z");

function plain(fleet: Fleet): unknown {
  return { seed: fleet.seed, now: fleet.now.toISOString(), clients: fleet.clients };
}

describe("prng", () => {
  it("is deterministic and spreads nearby inputs", () => {
    expect(hash32(42, "3000001", 0)).toBe(hash32(42, "3000001", 0));
    expect(hash32(42, "3000001", 0)).not.toBe(hash32(42, "3000001", 1));
    expect(hash32(1, "a")).not.toBe(hash32("1a"));
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    const r = new Rng(1);
    const mean = Array.from({ length: 10_000 }, () => r.float()).reduce((s, x) => s + x, 0) / 10_000;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe("generateFleet", () => {
  it("is deterministic for the same seed, size and time", () => {
    const a = generateFleet({ seed: 42, devices: 400, now: NOW });
    const b = generateFleet({ seed: 42, devices: 400, now: NOW });
    expect(JSON.stringify(plain(a))).toBe(JSON.stringify(plain(b)));
  });

  it("differs for another seed", () => {
    const a = generateFleet({ seed: 42, devices: 400, now: NOW });
    const b = generateFleet({ seed: 43, devices: 400, now: NOW });
    expect(JSON.stringify(plain(a))).not.toBe(JSON.stringify(plain(b)));
    expect(a.clients.slice(6).map((c) => c.name)).not.toEqual(b.clients.slice(6).map((c) => c.name));
  });

  it("numbers clients, sites and devices sequentially from 100001, 200001 and 3000001", () => {
    const fleet = generateFleet({ seed: 42, devices: 400, now: NOW });
    fleet.clients.forEach((c, i) => expect(c.id).toBe(String(100001 + i)));
    fleet.sites.forEach((s, i) => expect(s.id).toBe(String(200001 + i)));
    fleet.devices.forEach((d, i) => expect(d.id).toBe(String(3000001 + i)));
  });

  it("has the default shape: ~20 clients, ~60 sites, 400 devices, a minority of servers, ~85 % with B&R", () => {
    const fleet = generateFleet({ seed: 42, devices: 400, now: NOW });
    expect(fleet.devices).toHaveLength(400);
    expect(fleet.clients.length).toBeGreaterThanOrEqual(16);
    expect(fleet.clients.length).toBeLessThanOrEqual(24);
    expect(fleet.sites.length).toBeGreaterThanOrEqual(40);
    expect(fleet.sites.length).toBeLessThanOrEqual(85);
    const servers = fleet.devices.filter((d) => d.type === "server").length;
    expect(servers).toBeGreaterThan(20);
    expect(servers).toBeLessThan(160);
    const mob = fleet.devices.filter((d) => d.mob).length / fleet.devices.length;
    expect(mob).toBeGreaterThan(0.78);
    expect(mob).toBeLessThan(0.92);
  });

  // How long this takes is measured by `npm run bench -- simulator`, not asserted here.
  it("grows to 5,000 devices with the same proportions", () => {
    const fleet = generateFleet({ seed: 42, devices: 5000, now: NOW });
    expect(fleet.devices).toHaveLength(5000);
    expect(fleet.clients.length).toBeGreaterThan(200);
    expect(fleet.clients.length).toBeLessThan(300);
    expect(fleet.sites.length / fleet.clients.length).toBeGreaterThan(2);
    expect(fleet.sites.length / fleet.clients.length).toBeLessThan(4);
    expect(new Set(fleet.clients.map((c) => c.name)).size).toBe(fleet.clients.length);
  });

  it("keeps the fixed scenario ids for every seed and size", () => {
    const reference = generateFleet({ seed: 42, devices: 400, now: NOW });
    for (const seed of [1, 42, 987654]) {
      for (const devices of [1, FIXED_DEVICE_COUNT, 100, 400, 2000]) {
        const fleet = generateFleet({ seed, devices, now: NOW });
        expect(fleet.devices.length).toBe(Math.max(devices, FIXED_DEVICE_COUNT));
        for (const [id, place] of Object.entries(SCENARIO_PLACES)) {
          const device = fleet.deviceById.get(id);
          expect(device, id).toBeDefined();
          expect(device?.clientId).toBe(place.clientId);
          expect(device?.siteId).toBe(place.siteId);
          expect(device?.type).toBe(place.type);
          expect(device?.name).toBe(reference.deviceById.get(id)?.name);
        }
        expect(fleet.clientById.get(SCENARIO.accentClient)?.name).toBe("Müller Bau GmbH");
        expect(fleet.clientById.get(SCENARIO.markupClient)?.name).toBe('<script>alert("x")</script> Labs');
        expect(fleet.clientById.get(SCENARIO.faultLabClient)?.name).toBe("Simulator Fault Lab");
        expect(fleet.siteById.get(ZURICH_SITE_ID)?.name).toBe("Zürich");
        expect(fleet.deviceById.get(SCENARIO.markupDevice)?.name).toBe('"><img src=x onerror=alert(1)>');
        expect(fleet.deviceById.get(SCENARIO.rtlDevice)?.name).toContain("\u202e");
        expect(fleet.deviceById.get(SCENARIO.backupOff)?.mob).toBe(false);
        for (const id of Object.values(SCENARIO.faults)) expect(fleet.deviceById.get(id)?.mob).toBe(true);
        for (const id of Object.values(SCENARIO.hostile)) {
          expect(fleet.deviceById.get(id)?.mob).toBe(false);
          expect(fleet.deviceById.get(id)?.siteId).toBe(SCENARIO.hostileSite);
        }
      }
    }
  });

  it("gives the fixed clients, sites and devices unbroken id runs (in any order)", () => {
    const run = (ids: string[]) => ids.map(Number).sort((a, b) => a - b);
    run(FIXED_CLIENTS.map((c) => c.id)).forEach((id, i) => expect(id).toBe(100001 + i));
    run(FIXED_CLIENTS.flatMap((c) => c.sites.map((s) => s.id))).forEach((id, i) => expect(id).toBe(200001 + i));
    run(FIXED_CLIENTS.flatMap((c) => c.sites.flatMap((s) => s.devices.map((d) => d.id)))).forEach((id, i) => expect(id).toBe(3000001 + i));
    expect(FIXED_DEVICE_COUNT).toBe(38);
    expect(FIXED_SITE_COUNT).toBe(9);
  });

  it("has one Hostile Bench device per hostile kind, 3000025…3000038, B&R off, for any seed and size", () => {
    expect(Object.keys(SCENARIO.hostile)).toEqual([...HOSTILE_KINDS]);
    expect(Object.values(SCENARIO.hostile)).toEqual(HOSTILE_KINDS.map((_, i) => String(3000025 + i)));
    for (const seed of [1, 42, 987654]) {
      for (const devices of [1, 30, 400, 3000]) {
        const fleet = generateFleet({ seed, devices, now: NOW });
        const site = fleet.siteById.get(SCENARIO.hostileSite);
        expect(site?.name).toBe("Hostile Bench");
        expect(site?.clientId).toBe(SCENARIO.faultLabClient);
        expect(fleet.clientById.get(SCENARIO.faultLabClient)?.sites.map((s) => s.name)).toEqual(["Fault Bench", "Hostile Bench"]);
        expect(site?.devices.map((d) => d.id)).toEqual(Object.values(SCENARIO.hostile));
        for (const device of site?.devices ?? []) {
          expect(device.mob).toBe(false);
          expect(device.backup).toBeNull();
        }
      }
    }
  });

  it("starts the generated clients, sites and devices right after the fixed ones", () => {
    for (const seed of [1, 42]) {
      const fleet = generateFleet({ seed, devices: 400, now: NOW });
      const generated = fleet.clients.slice(FIXED_CLIENT_COUNT);
      expect(generated[0]?.id).toBe(String(100001 + FIXED_CLIENT_COUNT));
      expect(generated[0]?.sites[0]?.id).toBe(String(200001 + FIXED_SITE_COUNT));
      expect(generated[0]?.sites[0]?.devices[0]?.id).toBe(String(3000001 + FIXED_DEVICE_COUNT));
      expect(fleet.devices[FIXED_DEVICE_COUNT]?.id).toBe("3000039");
      expect(fleet.sites[FIXED_SITE_COUNT]?.id).toBe("200010");
      expect(fleet.devices.at(-1)?.id).toBe(String(3000000 + 400));
    }
  });

  it("spreads clients over the documented time zones, one with none", () => {
    const fleet = generateFleet({ seed: 42, devices: 400, now: NOW });
    const zones = new Set(fleet.clients.map((c) => c.timezone));
    for (const zone of [
      "Europe/London",
      "Europe/Zurich",
      "Europe/Berlin",
      "America/New_York",
      "America/Chicago",
      "America/Los_Angeles",
      "Australia/Sydney",
      "Asia/Tokyo",
      "Pacific/Auckland",
      "",
    ]) {
      expect(zones.has(zone), zone).toBe(true);
    }
    expect(fleet.clients.some((c) => c.name === "Smith & Sons Plumbing")).toBe(true);
    expect(fleet.clients.some((c) => c.name === "Genève Santé SA")).toBe(true);
    expect(fleet.clientById.get(SCENARIO.emptyClient)?.sites).toHaveLength(0);
  });
});
