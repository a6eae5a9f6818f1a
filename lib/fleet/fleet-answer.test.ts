import { describe, expect, it } from "vitest";
import type { DeviceHealthState } from "../health/backup-health";
import { answerFor, CLIENT_PAGE_SIZE, DEFAULT_FLEET_QUERY, parseFleetQuery, type FleetQuery } from "./fleet-answer";
import type { StoredDevice } from "./fleet-store";
import { selectFirst } from "./select-worst";
import { buildSnapshot, buildSnapshotInTurns, compareProblems } from "./snapshot";
import type { FleetDevice, FleetProgress, UpstreamHealth } from "./types";
import { withLoopTurns } from "../testing/loop-turns";

const T0 = Date.parse("2026-11-27T14:02:00Z");
const at = (ms: number) => new Date(ms).toISOString();
const progress: FleetProgress = { backupDevices: 0, read: 0, fullPictureAt: at(T0), estimatedFullPictureAt: null, inventoryReadAt: at(T0), restoredAt: null };
const upstream: UpstreamHealth = { status: "ok", lastOkAt: at(T0), failingSince: null, lastProblem: null, problem: null };
const STATES: DeviceHealthState[] = ["failed", "overdue", "warning", "unknown", "ok", "off"];

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function fleet(size: number, clients: number, seed: number): StoredDevice[] {
  const rnd = random(seed);
  const pick = <T,>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  return Array.from({ length: size }, (_, i) => {
    const client = String(100001 + Math.floor(rnd() * clients));
    const state = pick(STATES);
    const anomalies = rnd() < 0.1 ? [{ plugin: "Files", rule: "slow" as const, sessionStart: null, reason: `slow ${i}`, observed: 1, expected: 1 }] : [];
    return {
      deviceId: String(300001 + i), name: `${pick(["Srv", "Lap", "Desk"])}-${i}`, type: "server", clientId: client, clientName: `Client ${client}`, siteId: "200001", siteName: pick(["HQ", "Branch"]),
      backupEnabled: true, state, worstPlugin: "Files", since: rnd() < 0.9 ? at(T0 - Math.floor(rnd() * 20) * 3_600_000) : null, lastSuccessAt: null,
      failedInARow: state === "failed" ? Math.floor(rnd() * 4) : 0, sentence: null,
      plugins: [{ plugin: "Files", state: state === "off" || state === "unknown" ? "ok" : state, lastStatus: "COMPLETED_WITH_ERRORS", lastEnd: null, lastSuccessAt: null, failedInARow: 0, recent: [] }],
      anomalies, readAt: at(T0 - 60_000), readError: null, stateChangedAt: null, nextBackupDueAt: null, overdueAt: null,
    } satisfies StoredDevice;
  });
}

function snapshotOf(devices: StoredDevice[], clientFilter?: ReadonlySet<string>) {
  return buildSnapshot({ devices, clients: [], progress, upstream, now: T0, clientFilter });
}

/** The oracle: everything sorted, then sliced. */
function expectedPage(devices: FleetDevice[], q: FleetQuery): string[] {
  const matching = devices
    .filter((d) => ["failed", "overdue", "warning"].includes(d.state))
    .filter((d) => (q.state === null || d.state === q.state) && (q.client === null || d.clientId === q.client))
    .filter((d) => !q.text || [d.name, d.clientName, d.siteName].some((f) => f.toLowerCase().includes(q.text.toLowerCase())))
    .sort(compareProblems);
  const pages = Math.max(1, Math.ceil(matching.length / q.pageSize));
  const page = Math.min(q.page, pages);
  return matching.slice((page - 1) * q.pageSize, page * q.pageSize).map((d) => d.deviceId);
}

describe("selectFirst", () => {
  it("returns the first k of a full sort, for every k from none to more than there are", () => {
    const rnd = random(7);
    const numbers = Array.from({ length: 300 }, () => Math.floor(rnd() * 1000));
    const sorted = numbers.slice().sort((a, b) => a - b);
    for (const k of [0, 1, 2, 17, 150, 299, 300, 500]) expect(selectFirst(numbers, k, (a, b) => a - b)).toEqual(sorted.slice(0, k));
  });
});

describe("buildSnapshotInTurns", () => {
  it("builds the snapshot one pass would, in slices that let other work run between them", async () => {
    for (const seed of [3, 5, 8]) {
      const devices = fleet(5_000, 60, seed);
      const clients = Array.from({ length: 70 }, (_, i) => ({ clientId: String(100001 + i), name: `Client ${i}`, timezone: i % 2 ? "Europe/Berlin" : null }));
      for (const clientFilter of [undefined, new Set(["100003", "100007", "100070"])]) {
        const input = { devices, clients, progress, upstream, now: T0, clientFilter };
        const { result: inTurns, turns } = await withLoopTurns(() => buildSnapshotInTurns(input));
        expect(inTurns).toEqual(buildSnapshot(input));
        expect(turns).toBeGreaterThanOrEqual(2);
      }
    }
  });
});

describe("answerFor", () => {
  const devices = fleet(2_000, 40, 11);
  const snapshot = snapshotOf(devices);

  it("pages, filters by state, client and text exactly as sorting the whole list would", () => {
    const queries: Partial<FleetQuery>[] = [
      {},
      { page: 2 },
      { page: 7, pageSize: 13 },
      { pageSize: 100, page: 3 },
      { state: "overdue", page: 2, pageSize: 10 },
      { state: "warning", client: "100007" },
      { client: "100003", pageSize: 5, page: 2 },
      { text: "srv", page: 3, pageSize: 20 },
      { text: "BRANCH", state: "failed" },
      { text: "Client 10001", pageSize: 7 },
      { page: 10_000 },
    ];
    for (const q of queries) {
      const query = { ...DEFAULT_FLEET_QUERY, ...q };
      const answer = answerFor(snapshot, query);
      expect(answer.problems.map((t) => t.deviceId), JSON.stringify(q)).toEqual(expectedPage(snapshot.problems, query));
      expect(answer.problems.length).toBeLessThanOrEqual(query.pageSize);
    }
  });

  it("says how many match and how many pages, and clamps a page past the end to the last", () => {
    const problems = devices.filter((d) => ["failed", "overdue", "warning"].includes(d.state)).length;
    const answer = answerFor(snapshot, { ...DEFAULT_FLEET_QUERY, page: 10_000, pageSize: 30 });
    expect(answer.problemPage).toMatchObject({ total: problems, pages: Math.ceil(problems / 30), page: Math.ceil(problems / 30), pageSize: 30 });
    expect(answer.counts.failed + answer.counts.overdue + answer.counts.warning).toBe(problems);
    const overdue = answerFor(snapshot, { ...DEFAULT_FLEET_QUERY, state: "overdue" });
    expect(overdue.problemPage.total).toBe(answer.counts.overdue);
    expect(overdue.problemPage.filter).toEqual({ state: "overdue", client: null, text: "" });
  });

  it("sends slim tiles, never a device's plugins or sessions", () => {
    const answer = answerFor(snapshot, DEFAULT_FLEET_QUERY);
    for (const tile of answer.problems) {
      expect(Object.keys(tile)).not.toContain("plugins");
      expect(Object.keys(tile)).not.toContain("anomalies");
      expect(tile.worstStatus).toBe("COMPLETED_WITH_ERRORS");
    }
    const withAnomaly = answer.problems.concat(answer.anomalous).find((t) => t.anomalyCount > 0)!;
    expect(withAnomaly.anomalyReasons).toEqual([`slow ${Number(withAnomaly.deviceId) - 300001}`]);
  });

  it("sends the worst 25 quiet failures and how many there are", () => {
    const answer = answerFor(snapshot, DEFAULT_FLEET_QUERY);
    const oracle = snapshot.anomalous.slice().sort(compareProblems);
    expect(answer.anomalousTotal).toBe(oracle.length);
    expect(answer.anomalous.map((t) => t.deviceId)).toEqual(oracle.slice(0, 25).map((d) => d.deviceId));
  });

  it("pages the client rollups, worst first, however many clients there are", () => {
    const many = snapshotOf(fleet(3_000, 250, 5));
    expect(many.clients.length).toBeGreaterThan(2 * CLIENT_PAGE_SIZE);
    const pages = [1, 2, 3].map((clientPage) => answerFor(many, { ...DEFAULT_FLEET_QUERY, clientPage }));
    expect(pages[0]!.clients).toHaveLength(CLIENT_PAGE_SIZE);
    expect(pages.flatMap((p) => p.clients)).toEqual(many.clients);
    expect(pages[2]!.clientPage).toMatchObject({ page: 3, pages: 3, total: many.clients.length });
  });

  it("counts and tiles only the clients in scope", () => {
    const scoped = snapshotOf(devices, new Set(["100003", "100004"]));
    const answer = answerFor(scoped, { ...DEFAULT_FLEET_QUERY, pageSize: 100 });
    expect(answer.total).toBe(devices.filter((d) => d.clientId === "100003" || d.clientId === "100004").length);
    expect(new Set(answer.problems.map((t) => t.clientId))).toEqual(new Set(["100003", "100004"]));
    expect(answer.clients.map((c) => c.clientId).sort()).toEqual(["100003", "100004"]);
    // Asking for a client out of scope finds nothing rather than reaching past the scope.
    expect(answerFor(scoped, { ...DEFAULT_FLEET_QUERY, client: "100005" }).problemPage.total).toBe(0);
  });
});

describe("parseFleetQuery", () => {
  const parse = (params: Record<string, string>) => parseFleetQuery((name) => params[name] ?? null);

  it("reads every field and defaults the rest", () => {
    expect(parse({})).toEqual({ query: DEFAULT_FLEET_QUERY, invalid: null });
    expect(parse({ state: "warning", client: "100004", q: "  hq ", page: "3", pageSize: "100", clientPage: "2" }).query).toEqual({
      state: "warning", client: "100004", text: "hq", page: 3, pageSize: 100, clientPage: 2,
    });
  });

  it("refuses what is out of bounds or malformed, and keeps the default for it", () => {
    for (const params of <Record<string, string>[]>[{ pageSize: "101" }, { pageSize: "0" }, { page: "0" }, { page: "10001" }, { page: "1e3" }, { page: "-1" }, { state: "ok" }, { client: "1,2" }, { q: "x".repeat(101) }, { clientPage: "x" }]) {
      const { query, invalid } = parse(params);
      expect(invalid, JSON.stringify(params)).toMatch(/^Invalid /);
      expect(query).toEqual(DEFAULT_FLEET_QUERY);
    }
  });
});
