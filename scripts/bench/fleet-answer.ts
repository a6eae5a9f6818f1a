// fleet-answer: /api/fleet's answer for 50,000 devices at 10 % problems, before (every problem device with its plugins, every client) and after (counts and one page of slim tiles).
import { answerFor, DEFAULT_FLEET_QUERY } from "../../lib/fleet/fleet-answer";
import type { StoredDevice } from "../../lib/fleet/fleet-store";
import { buildSnapshot, compareProblems, type SnapshotInput } from "../../lib/fleet/snapshot";
import type { FleetPlugin } from "../../lib/fleet/types";
import type { DeviceHealthState } from "../../lib/health/backup-health";
import { encodeSuccess } from "../../lib/http/api-route";
import { median, ms, printTable, saveResult, timeRuns } from "./util";

const DEVICES = 50_000;
const CLIENTS = 2_000;
const NOW = Date.parse("2026-11-27T14:02:00Z");
const at = (offsetMs: number) => new Date(NOW - offsetMs).toISOString();

/** Deterministic, so two runs build the same fleet. */
function fleetRows(): StoredDevice[] {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: DEVICES }, (_, i) => {
    const roll = rnd();
    // 10 % need attention: 4 % failed, 4 % overdue, 2 % warning; the rest mostly ok.
    const state: DeviceHealthState = roll < 0.04 ? "failed" : roll < 0.08 ? "overdue" : roll < 0.1 ? "warning" : roll < 0.12 ? "unknown" : roll < 0.13 ? "off" : "ok";
    const client = 100001 + Math.floor(rnd() * CLIENTS);
    const plugins: FleetPlugin[] = ["Files and folders", "System state", "MS SQL"].slice(0, 1 + Math.floor(rnd() * 3)).map((plugin, p) => ({
      plugin,
      state: p === 0 && state !== "unknown" && state !== "off" ? state : "ok",
      lastStatus: p === 0 && state === "failed" ? "FAILED" : p === 0 && state === "warning" ? "COMPLETED_WITH_ERRORS" : "COMPLETED",
      lastEnd: at(rnd() * 86_400_000),
      lastSuccessAt: at(rnd() * 3 * 86_400_000),
      failedInARow: state === "failed" && p === 0 ? 1 + Math.floor(rnd() * 5) : 0,
      dueBy: at(-86_400_000),
      recent: Array.from({ length: 5 }, (_, k) => ({ start: at((k + 1) * 86_400_000), status: "COMPLETED" })),
    }));
    const anomalies = rnd() < 0.01 ? [{ plugin: "Files and folders", rule: "transfer_spike" as const, sessionStart: at(86_400_000), reason: "Files and folders transferred 41.2 GB, 12 times its median of 3.4 GB.", observed: 41.2e9, expected: 3.4e9 }] : [];
    return {
      deviceId: String(1_000_001 + i), name: `DEV-${client}-${i}`, type: i % 5 === 0 ? "server" : "workstation", clientId: String(client), clientName: `Client ${client} GmbH`,
      siteId: String(200_001 + (i % 3)), siteName: "Head office", backupEnabled: true, state, worstPlugin: state === "ok" ? null : "Files and folders",
      since: state === "ok" ? null : at(rnd() * 5 * 86_400_000), lastSuccessAt: at(rnd() * 3 * 86_400_000), failedInARow: plugins[0]!.failedInARow,
      sentence: "Files and folders failed 2 times in a row since yesterday.", plugins, anomalies, readAt: at(rnd() * 3_600_000), readError: null,
      stateChangedAt: at(rnd() * 86_400_000), nextBackupDueAt: at(-43_200_000), overdueAt: null,
    } satisfies StoredDevice;
  });
}

export async function benchFleetAnswer(): Promise<void> {
  const devices = fleetRows();
  const input: SnapshotInput = {
    devices,
    clients: Array.from({ length: CLIENTS }, (_, i) => ({ clientId: String(100_001 + i), name: `Client ${100_001 + i} GmbH`, timezone: "Europe/Berlin" })),
    progress: { backupDevices: DEVICES, read: DEVICES, fullPictureAt: at(0), estimatedFullPictureAt: null, inventoryReadAt: at(0), restoredAt: null },
    upstream: { status: "ok", lastOkAt: at(0), failingSince: null, lastProblem: null, problem: null },
    now: NOW,
  };
  // Before: the same pass, then every problem and quiet failure sorted, and all of it sent.
  const before = () => {
    const snapshot = buildSnapshot(input);
    snapshot.problems.sort(compareProblems);
    snapshot.anomalous.sort(compareProblems);
    return snapshot;
  };
  const after = () => answerFor(buildSnapshot(input), DEFAULT_FLEET_QUERY);
  const encode = (data: unknown) => encodeSuccess({ data, fetchedAt: NOW, stale: false });

  const beforeAnswer = encode(before());
  const afterAnswer = encode(after());
  const [beforeGzip, afterGzip] = await Promise.all([beforeAnswer.gzip(), afterAnswer.gzip()]);

  // Alternated, so drift in the machine's load touches both alike.
  const beforeTimes: number[] = [];
  const afterTimes: number[] = [];
  for (let round = 0; round < 5; round++) {
    beforeTimes.push(...(await timeRuns(3, round === 0 ? 2 : 0, before)));
    afterTimes.push(...(await timeRuns(3, round === 0 ? 2 : 0, after)));
  }
  const snapshot = buildSnapshot(input);
  const deepPage = await timeRuns(15, 3, () => answerFor(snapshot, { ...DEFAULT_FLEET_QUERY, page: 100, pageSize: 50 }));
  const onePage = await timeRuns(15, 3, () => answerFor(snapshot, DEFAULT_FLEET_QUERY));

  const figures = {
    devices: DEVICES,
    clients: CLIENTS,
    problems: snapshot.problems.length,
    beforeBytes: beforeAnswer.json.length,
    beforeGzipBytes: beforeGzip.length,
    afterBytes: afterAnswer.json.length,
    afterGzipBytes: afterGzip.length,
    beforeBuildMs: median(beforeTimes),
    afterBuildMs: median(afterTimes),
    buildRatio: median(afterTimes) / median(beforeTimes),
    firstPageMs: median(onePage),
    page100of50Ms: median(deepPage),
  };
  printTable(`fleet answer: ${DEVICES.toLocaleString("en")} devices, ${figures.problems.toLocaleString("en")} need attention, ${CLIENTS.toLocaleString("en")} clients`, [
    ["before: answer (JSON / gzip)", `${(figures.beforeBytes / 1024).toFixed(0)} kB / ${(figures.beforeGzipBytes / 1024).toFixed(0)} kB`],
    ["after: answer (JSON / gzip)", `${(figures.afterBytes / 1024).toFixed(1)} kB / ${(figures.afterGzipBytes / 1024).toFixed(1)} kB`],
    ["snapshot build, before (median)", ms(figures.beforeBuildMs)],
    ["snapshot build + first page, after (median)", ms(figures.afterBuildMs)],
    ["after / before", figures.buildRatio.toFixed(2)],
    ["first page of 25 from a built snapshot", ms(figures.firstPageMs)],
    ["page 100 of 50 from a built snapshot", ms(figures.page100of50Ms)],
  ]);
  saveResult("fleet-answer", figures);
}
