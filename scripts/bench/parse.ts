/**
 * Parse benchmark (issue: the N-sight data path). For a 10,000-session list_mob_sessions
 * answer from the simulator: our reader's time to typed records against fast-xml-parser's
 * default `new XMLParser().parse()` in the same run, equality with an independent reference
 * parse, and the worst event-loop stall while the client fetches and parses it.
 */
import { deepStrictEqual } from "node:assert";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { XMLParser } from "fast-xml-parser";
import { CallBudget } from "../../lib/nsight/budget";
import { NsightClient } from "../../lib/nsight/client";
import { decodeXmlBytes } from "../../lib/nsight/decode";
import { readFlatRecords } from "../../lib/nsight/flat-records";
import { mapSessions, SESSION_FIELDS, sessionsFromValues } from "../../lib/nsight/records";
import { readXml } from "../../lib/nsight/xml";
import { SCENARIO } from "../../simulator/scenarios";
import { startSimulator } from "../../simulator/server";
import { referenceParseSessions } from "./reference-parse";
import { median, ms, printTable, saveResult, timeRuns } from "./util";

const KEY = "bench-key";
const SESSIONS = 10_000;

/** The simulator's hourly-SQL device answer, cut to its first 10,000 sessions (envelope kept). */
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

export async function benchParse(): Promise<void> {
  const bytes = await tenThousandSessionAnswer();
  const text = bytes.toString("latin1");
  // The production path: decode, the flat fast path, typed records, sorted.
  const ours = () => sessionsFromValues(readFlatRecords(decodeXmlBytes(bytes), "result", "session", SESSION_FIELDS)!.records);
  // The general strict reader alone, for comparison (used for any unusual answer).
  const general = () => mapSessions(readXml(decodeXmlBytes(bytes)));

  const records = ours();
  deepStrictEqual(records, referenceParseSessions(text));
  deepStrictEqual(general(), records);

  const oursTimes = await timeRuns(15, 3, ours);
  const generalTimes = await timeRuns(9, 2, general);
  const baselineTimes = await timeRuns(9, 2, () => new XMLParser().parse(text));
  const oursMedian = median(oursTimes);
  const generalMedian = median(generalTimes);
  const baselineMedian = median(baselineTimes);

  // The event loop while the real client path (budget, HTTP, size cap, decode, fast path in
  // slices, map, sort) runs ten times.
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/xml; charset=ISO-8859-1" });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new NsightClient({
    transport: { baseUrl: new URL(`http://127.0.0.1:${port}`), apiKey: KEY, timeoutMs: 30_000, maxBodyBytes: 64 << 20, userAgent: "bench" },
    budget: new CallBudget({ perMinute: 60, maxConcurrent: 4 }),
  });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  for (let i = 0; i < 10; i++) await client.listMobSessions("1");
  delay.disable();
  server.close();
  const maxStallMs = delay.max / 1e6;

  const result = {
    sessions: records.length,
    bytes: bytes.byteLength,
    oursMedianMs: oursMedian,
    generalReaderMedianMs: generalMedian,
    baselineMedianMs: baselineMedian,
    speedup: baselineMedian / oursMedian,
    equalToReference: true,
    maxEventLoopStallMs: maxStallMs,
  };
  printTable("Parse: 10,000-session list_mob_sessions answer", [
    ["answer size", `${(bytes.byteLength / 1_048_576).toFixed(2)} MiB, ${records.length} sessions`],
    ["ours (bytes → typed records), median of 15", ms(oursMedian)],
    ["general strict reader (unusual answers), median of 9", ms(generalMedian)],
    ["fast-xml-parser default parse, median of 9", ms(baselineMedian)],
    ["speed-up (goal ≥ 5×)", `${result.speedup.toFixed(1)}×`],
    ["equal to the independent reference parse", "yes"],
    ["worst event-loop stall, 10 client calls (goal < 100 ms)", ms(maxStallMs)],
  ]);
  saveResult("parse", result);
}
