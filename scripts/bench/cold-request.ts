// The app side of `bench parse`, alone in its process so nothing shares its event loop; parse.ts plays N-sight.
import { deepStrictEqual } from "node:assert";
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { XMLParser } from "fast-xml-parser";
import { GET } from "../../app/api/devices/[deviceId]/sessions/route";
import { decodeXmlBytes } from "../../lib/nsight/decode";
import { readFlatRecords } from "../../lib/nsight/flat-records";
import { mapSessions, SESSION_FIELDS, sessionsFromValues } from "../../lib/nsight/session-records";
import { readXml } from "../../lib/nsight/xml";
import type { ApiSuccess, BackupSession } from "../../lib/types";
import { referenceParseSessions } from "./reference-parse";
import { median, timeRuns } from "./util";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const PING_MS = 10;

export interface ColdRound {
  baselineMs: number;
  coldMs: number;
  ratio: number;
  worstPingLateMs: number;
  worstLoopDelayMs: number;
  /** Counting only this process's CPU time: on a shared machine a gap is often a wait for a core, not our code. */
  worstBusyGapMs: number;
}

export interface ColdRequestResult {
  gzip: boolean;
  sessions: number;
  answerBytes: number;
  rounds: ColdRound[];
  oursParseMedianMs: number;
  generalReaderMedianMs: number;
  baselineMedianMs: number;
}

const bytes = readFileSync(process.env.BENCH_ANSWER_FILE!);
const text = decodeXmlBytes(bytes);
const gzip = process.env.BENCH_GZIP === "1";
let nextDeviceId = 3_900_001;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function coldRequest(): Promise<{ ms: number; pingLate: number; loopDelay: number; busyGap: number; body: Buffer }> {
  const deviceId = String(nextDeviceId++);
  let worstLate = 0;
  let worstBusy = 0;
  let last = performance.now();
  let lastCpu = cpuMs();
  const ping = setInterval(() => {
    const now = performance.now();
    const cpu = cpuMs();
    worstLate = Math.max(worstLate, now - last - PING_MS);
    worstBusy = Math.max(worstBusy, Math.min(now - last, cpu - lastCpu));
    last = now;
    lastCpu = cpu;
  }, PING_MS);
  const delay = monitorEventLoopDelay({ resolution: PING_MS });
  delay.enable();
  const started = performance.now();
  const request = new Request(`http://127.0.0.1/api/devices/${deviceId}/sessions`, { headers: gzip ? { "accept-encoding": "gzip, deflate, br" } : {} });
  const response = await GET(request, { params: Promise.resolve({ deviceId }) });
  const body = Buffer.from(await response.arrayBuffer());
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, PING_MS + 2));
  delay.disable();
  clearInterval(ping);
  if (response.status !== 200) throw new Error(`The cold request answered ${response.status}: ${body.toString().slice(0, 200)}`);
  return { ms, pingLate: Math.max(0, worstLate), loopDelay: delay.max / 1e6, busyGap: worstBusy, body };
}

function baselineParse(): number {
  const started = performance.now();
  new XMLParser().parse(text);
  return performance.now() - started;
}

// Node loads its HTTP client on the first fetch(); a running server did so long ago, so it is not charged to round 1.
await (await fetch(new URL("/", process.env.NSIGHT_SERVER))).arrayBuffer();

const rounds: ColdRound[] = [];
let lastBody: Buffer | null = null;
let before = baselineParse();
for (let i = 0; i < ROUNDS; i++) {
  const cold = await coldRequest();
  const after = baselineParse();
  // The parses just before and just after: the machine's load drifts less across the pair.
  const baselineMs = (before + after) / 2;
  before = after;
  lastBody = cold.body;
  rounds.push({ baselineMs, coldMs: cold.ms, ratio: cold.ms / baselineMs, worstPingLateMs: cold.pingLate, worstLoopDelayMs: cold.loopDelay, worstBusyGapMs: cold.busyGap });
}

const { gunzipSync } = await import("node:zlib");
const json = gzip ? gunzipSync(lastBody!) : lastBody!;
const answer = JSON.parse(json.toString("utf8")) as ApiSuccess<BackupSession[]>;
deepStrictEqual(answer.data, referenceParseSessions(text));

const ours = () => sessionsFromValues(readFlatRecords(decodeXmlBytes(bytes), "result", "session", SESSION_FIELDS)!.records);
const general = () => mapSessions(readXml(decodeXmlBytes(bytes)));
deepStrictEqual(general(), ours());
const result: ColdRequestResult = {
  gzip,
  sessions: answer.data.length,
  answerBytes: bytes.byteLength,
  rounds,
  oursParseMedianMs: median(await timeRuns(9, 2, ours)),
  generalReaderMedianMs: median(await timeRuns(5, 1, general)),
  baselineMedianMs: median(await timeRuns(5, 1, baselineParse)),
};
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
