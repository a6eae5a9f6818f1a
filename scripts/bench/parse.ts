// Goal: a cold request at most half of fast-xml-parser's default parse of the same bytes, no 10 ms timer late by 150 ms.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { SCENARIO } from "../../simulator/scenarios";
import { startSimulator } from "../../simulator/server";
import { ROOT } from "../lib/build.mjs";
import type { ColdRequestResult } from "./cold-request";
import { median, ms, printTable, saveResult } from "./util";

const KEY = "bench-key";
const SESSIONS = 10_000;
const ROUNDS = 7;

async function tenThousandSessionAnswer(): Promise<Buffer> {
  const sim = await startSimulator({ port: 0, key: KEY });
  try {
    const url = `${sim.url}/api/?apikey=${KEY}&service=list_mob_sessions&deviceid=${SCENARIO.hourlySqlServer}`;
    const response = await fetch(url, { headers: { "User-Agent": "bench" } });
    const text = Buffer.from(await response.arrayBuffer()).toString("latin1");
    const first = text.indexOf("<session>");
    let end = first;
    for (let i = 0; i < SESSIONS; i++) {
      end = text.indexOf("</session>", end);
      if (end === -1) throw new Error(`The simulator answer has fewer than ${SESSIONS} sessions`);
      end += "</session>".length;
    }
    return Buffer.from(`${text.slice(0, end)}</result>`, "latin1");
  } finally {
    await sim.close();
  }
}

async function runApp(baseUrl: string, answerFile: string, dataDir: string, gzip: boolean): Promise<ColdRequestResult> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", join(ROOT, "scripts/bench/cold-request.ts")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      NSIGHT_SERVER: baseUrl,
      NSIGHT_API_KEY: KEY,
      DATA_DIR: dataDir,
      BENCH_ANSWER_FILE: answerFile,
      BENCH_ROUNDS: String(ROUNDS),
      BENCH_GZIP: gzip ? "1" : "0",
    },
  });
  let result: ColdRequestResult | null = null;
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line.startsWith("BENCH_RESULT ")) result = JSON.parse(line.slice("BENCH_RESULT ".length)) as ColdRequestResult;
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0 || !result) throw new Error(`cold-request.ts failed (exit ${code})`);
  return result;
}

export async function benchParse(): Promise<void> {
  const bytes = await tenThousandSessionAnswer();
  const dir = mkdtempSync(join(tmpdir(), "bench-parse-"));
  const answerFile = join(dir, "answer.xml");
  writeFileSync(answerFile, bytes);
  const nsight = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/xml; charset=ISO-8859-1", "Content-Length": bytes.byteLength });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => nsight.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(nsight.address() as AddressInfo).port}`;
  let plain: ColdRequestResult;
  let gzipped: ColdRequestResult;
  try {
    plain = await runApp(baseUrl, answerFile, join(dir, "plain"), false);
    gzipped = await runApp(baseUrl, answerFile, join(dir, "gzip"), true);
  } finally {
    nsight.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const summary = (run: ColdRequestResult) => {
    const [first, ...warm] = run.rounds;
    return {
      first: first!,
      warmMedianRatio: median(warm.map((r) => r.ratio)),
      warmWorstRatio: Math.max(...warm.map((r) => r.ratio)),
      warmMedianColdMs: median(warm.map((r) => r.coldMs)),
      warmMedianBaselineMs: median(warm.map((r) => r.baselineMs)),
      worstPingLateMs: Math.max(...run.rounds.map((r) => r.worstPingLateMs)),
      worstLoopDelayMs: Math.max(...run.rounds.map((r) => r.worstLoopDelayMs)),
      worstBusyGapMs: Math.max(...run.rounds.map((r) => r.worstBusyGapMs)),
    };
  };
  const plainSummary = summary(plain);
  const gzipSummary = summary(gzipped);
  const row = (label: string, s: ReturnType<typeof summary>): [string, string][] => [
    [`${label}: first request of a fresh process`, `${ms(s.first.coldMs)} vs ${ms(s.first.baselineMs)}: ratio ${s.first.ratio.toFixed(2)}`],
    [`${label}: ${ROUNDS - 1} more cold requests, median`, `${ms(s.warmMedianColdMs)} vs ${ms(s.warmMedianBaselineMs)}: ratio ${s.warmMedianRatio.toFixed(2)} (worst ${s.warmWorstRatio.toFixed(2)})`],
    [`${label}: worst wait of a 10 ms timer (goal ≤ 150 ms)`, `${ms(s.worstPingLateMs)} (event-loop delay max ${ms(s.worstLoopDelayMs)})`],
    [`${label}: longest gap counting only our CPU time`, ms(s.worstBusyGapMs)],
  ];
  printTable("Parse: a device's first answer for a 10,000-session history (goal: ratio ≤ 0.5)", [
    ["answer size", `${(bytes.byteLength / 1_048_576).toFixed(2)} MiB, ${plain.sessions} sessions; equal to an independent reference parse`],
    ["cold request (to the last byte) vs fast-xml-parser default parse", "same process, same round"],
    ...row("plain", plainSummary),
    ...row("gzip", gzipSummary),
    ["parsing alone: ours / general reader / fast-xml-parser, medians", `${ms(plain.oursParseMedianMs)} / ${ms(plain.generalReaderMedianMs)} / ${ms(plain.baselineMedianMs)}`],
    // Waits are wall-clock: on a busy machine they include time spent waiting for a core.
    ["load average (1 min) at the end, cores", `${loadavg()[0]!.toFixed(1)}, ${availableParallelism()}`],
  ]);
  saveResult("parse", { sessions: plain.sessions, bytes: bytes.byteLength, plain: { ...plainSummary, rounds: plain.rounds }, gzip: { ...gzipSummary, rounds: gzipped.rounds } });
}
