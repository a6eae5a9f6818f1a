import { describe, expect, it } from "vitest";
import { generateFleet } from "./fleet";
import { SCENARIO } from "./scenarios";
import { NsightApi } from "./services";

const NOW = Date.parse("2026-11-27T07:00:00Z");

function api(seed: number): NsightApi {
  const fleet = generateFleet({ seed, devices: 60, now: new Date(NOW) });
  return new NsightApi(fleet, () => NOW, () => ({ timezone: "America/Chicago", unknownServiceCode: 1 }));
}

const sessionsCall = (deviceid: string) =>
  new Map([
    ["apikey", "k"],
    ["service", "list_mob_sessions"],
    ["deviceid", deviceid],
  ]);

describe("NsightApi", () => {
  // How long this takes is measured by `npm run bench -- simulator`, not asserted here.
  it("generates and encodes the 20,000-session answer once", () => {
    const fresh = api(2);
    const answer = fresh.call(sessionsCall(SCENARIO.hourlySqlServer), "h", "k");
    expect(answer.byteLength).toBeGreaterThan(10_000_000);
    // The encoded run is cached: the same bytes object is reused while no session is added.
    const again = fresh.call(sessionsCall(SCENARIO.hourlySqlServer), "h", "k");
    expect(again.parts[1]).toBe(answer.parts[1]);
  });

  it("marks Fault Lab devices, and only for list_mob_sessions data", () => {
    const a = api(42);
    expect(a.call(sessionsCall(SCENARIO.faults.stall), "h", "k").fault).toBe("stall");
    expect(a.call(sessionsCall("3000004"), "h", "k").fault).toBeUndefined();
    const describe = new Map([...sessionsCall(SCENARIO.faults.stall), ["describe", "true"]]);
    expect(a.call(describe, "h", "k").fault).toBeUndefined();
  });

  it("reads ids with leading zeros as PHP does", () => {
    const a = api(42);
    const text = a.call(sessionsCall("03000018"), "h", "k").body.toString("latin1");
    expect(text.split("<session>").length - 1).toBe(1);
  });
});
