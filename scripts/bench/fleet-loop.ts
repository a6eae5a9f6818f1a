// fleet-loop: the longest task (the longest the event loop waits) of the passes over a 50,000-device fleet that run while
// the refresher reads: the walls' snapshot and the alert engine's evaluation. In one process, no build, about a minute.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AlertEngine } from "../../lib/alerts/engine";
import type { ChannelSender } from "../../lib/alerts/types";
import { buildSnapshot, buildSnapshotInTurns } from "../../lib/fleet/snapshot";
import type { FleetKnowledge, FleetProgress, UpstreamHealth } from "../../lib/fleet/types";
import { openStore } from "../../lib/store/db";
import { warmDevices } from "./fleet-app";
import { median, ms, printTable, saveResult } from "./util";

const ROUNDS = 5;

/** The longest gap between two turns of the event loop while `work` runs, and how long it ran. */
async function longestStall(work: () => unknown): Promise<{ stallMs: number; totalMs: number }> {
  let last = performance.now();
  let stall = 0;
  let running = true;
  const turn = () => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  await new Promise((resolve) => setImmediate(resolve));
  const start = performance.now();
  await work();
  const totalMs = performance.now() - start;
  running = false;
  await new Promise((resolve) => setImmediate(resolve));
  return { stallMs: stall, totalMs };
}

async function rounds(work: () => unknown): Promise<{ stallMs: number; totalMs: number }> {
  const results = [];
  for (let i = 0; i < ROUNDS; i++) results.push(await longestStall(work));
  return { stallMs: median(results.map((r) => r.stallMs)), totalMs: median(results.map((r) => r.totalMs)) };
}

export async function benchFleetLoop(): Promise<void> {
  const now = Date.now();
  const { devices, clients } = warmDevices(now);
  const progress: FleetProgress = { backupDevices: devices.length, read: devices.length, fullPictureAt: new Date(now).toISOString(), estimatedFullPictureAt: null, inventoryReadAt: null, restoredAt: null };
  const upstream: UpstreamHealth = { status: "ok", lastOkAt: new Date(now).toISOString(), failingSince: null, lastProblem: null, problem: null };
  const input = { devices, clients, progress, upstream, now };
  const wholePass = await rounds(() => buildSnapshot(input));
  const inTurns = await rounds(() => buildSnapshotInTurns(input));

  const dir = mkdtempSync(join(tmpdir(), "fleet-loop-bench-"));
  const db = await openStore(dir);
  try {
    const sender: ChannelSender = { deliver: async () => ({ ok: true, statusCode: 200 }) };
    const engine = new AlertEngine({ db, sender, config: { repeatMs: 86_400_000, groupMs: 60_000, unreachableAfterMs: 900_000 }, publicUrl: null });
    // Every device read since the engine started: each one is judged, as after the first hour of a running process.
    const readAt = new Date(Date.now() + 1_000).toISOString();
    const judged = devices.map((d) => (d.backupEnabled ? { ...d, readAt } : d));
    const knowledge: FleetKnowledge = { kind: "current", since: null, read: devices.length, total: devices.length, discovering: false, lastAnswerAt: readAt, estimatedDoneAt: null };
    const alertInput = { devices: judged, clients, knowledge, upstream: { ...upstream, lastOkAt: readAt } };
    // The first pass opens the incidents; the later ones find them open, as every pass does while the fleet is read.
    const firstPass = await longestStall(() => engine.evaluate(alertInput));
    const alertPass = await rounds(() => engine.evaluate(alertInput));

    const result = { devices: devices.length, snapshot: { wholePass, inTurns }, alerts: { firstPass, laterPasses: alertPass } };
    saveResult("fleet-loop", result);
    printTable(`fleet-loop: passes over ${devices.length.toLocaleString("en")} devices, longest task (median of ${ROUNDS})`, [
      ["snapshot, one pass (goal: longest task < 50 ms)", `longest task ${ms(wholePass.stallMs)}, total ${ms(wholePass.totalMs)}`],
      ["snapshot in turns (the walls' polls)", `longest task ${ms(inTurns.stallMs)}, total ${ms(inTurns.totalMs)}`],
      ["alert evaluation, first pass (opens the incidents)", `longest task ${ms(firstPass.stallMs)}, total ${ms(firstPass.totalMs)}`],
      ["alert evaluation, later passes", `longest task ${ms(alertPass.stallMs)}, total ${ms(alertPass.totalMs)}`],
    ]);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
