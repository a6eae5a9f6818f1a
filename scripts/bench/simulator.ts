// Ratios within one run, fastest of several: linear growth keeps each near 1 (per session, per byte) or 5 (5x devices).
import { generateFleet } from "../../simulator/fleet";
import { SCENARIO } from "../../simulator/scenarios";
import { NsightApi } from "../../simulator/services";
import { generateSessions } from "../../simulator/sessions";
import { printTable, saveResult } from "./util";

const NOW = new Date("2026-11-27T07:00:00Z");
const RUNS = 5;
const LONG = SCENARIO.hourlySqlServer;
const SHORT = SCENARIO.failingStreak;

function fastest(times: number[]): number {
  return Math.min(...times);
}

export async function benchSimulator(): Promise<void> {
  const perSession: Record<string, number[]> = { [LONG]: [], [SHORT]: [] };
  const perByte: Record<string, number[]> = { [LONG]: [], [SHORT]: [] };
  const fleetMs: Record<number, number[]> = { 1000: [], 5000: [] };
  let longSessions = 0;
  for (let run = 0; run < RUNS; run++) {
    const fleet = generateFleet({ seed: 900 + run, devices: 30, now: NOW });
    for (const id of [LONG, SHORT]) {
      const device = fleet.deviceById.get(id)!;
      const started = performance.now();
      const sessions = generateSessions(device, NOW.getTime());
      perSession[id]!.push((performance.now() - started) / sessions.length);
      if (id === LONG) longSessions = sessions.length;
    }
    const api = new NsightApi(generateFleet({ seed: 950 + run, devices: 30, now: NOW }), () => NOW.getTime(), () => ({ timezone: "UTC", unknownServiceCode: 1 }));
    for (const id of [LONG, SHORT]) {
      const query = new Map([["apikey", "k"], ["service", "list_mob_sessions"], ["deviceid", id]]);
      const started = performance.now();
      const answer = api.call(query, "h", "k");
      perByte[id]!.push((performance.now() - started) / answer.byteLength);
    }
    for (const devices of [1000, 5000]) {
      const started = performance.now();
      generateFleet({ seed: 1000 + run, devices, now: NOW });
      fleetMs[devices]!.push(performance.now() - started);
    }
  }
  const result = {
    longHistorySessions: longSessions,
    sessionCostRatio: fastest(perSession[LONG]!) / fastest(perSession[SHORT]!),
    encodeCostRatio: fastest(perByte[LONG]!) / fastest(perByte[SHORT]!),
    fleet5000Over1000: fastest(fleetMs[5000]!) / fastest(fleetMs[1000]!),
  };
  printTable("Simulator: cost as its output grows (fastest of 5 each)", [
    [`per session, ${longSessions}-session history ÷ ~1,000-session one (linear ≈ 1)`, result.sessionCostRatio.toFixed(2)],
    ["per byte of list_mob_sessions, same two devices (linear ≈ 1)", result.encodeCostRatio.toFixed(2)],
    ["fleet of 5,000 devices ÷ fleet of 1,000 (linear ≈ 5)", result.fleet5000Over1000.toFixed(2)],
  ]);
  saveResult("simulator", result);
}
