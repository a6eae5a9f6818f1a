import { describe, expect, it } from "vitest";
import type { BackupSession } from "../types";
import { buildHistory, chartSpan, filterSessions, markPage, pageOfSessions, sortSessions, worstStatus, type SessionFilters } from "./history";

const NO_FILTERS: SessionFilters = { types: [], plugins: [], statuses: [] };

let nextId = 1;
function session(start: string | null, changes: Partial<BackupSession> = {}): BackupSession {
  return {
    sessionId: String(nextId++),
    type: "BACKUP",
    storageAccountId: null,
    plugin: "FILE_SYSTEM",
    start,
    end: null,
    durationSeconds: null,
    selectionSize: null,
    selectionItemCount: null,
    sizeChange: null,
    itemCountChange: null,
    removedItemCount: null,
    processedSize: null,
    processedItemCount: null,
    transferredSize: null,
    errorCount: null,
    status: "COMPLETED",
    ...changes,
  };
}

const sorted = (sessions: BackupSession[]) => sessions.slice().sort((a, b) => (a.start === b.start ? 0 : a.start === null ? 1 : b.start === null ? -1 : a.start < b.start ? -1 : 1));

describe("buildHistory", () => {
  // Auckland is at +13 in November: its 22 Nov begins at 21 Nov 11:00 UTC.
  const zone = "Pacific/Auckland";
  const now = Date.parse("2026-11-29T11:00:00Z");
  const range = { fromMs: Date.parse("2026-11-21T11:00:00Z"), toMs: now };
  const sessions = sorted([
    session("2026-11-20T09:00:00Z", { transferredSize: 999 }),
    session("2026-11-27T10:00:00Z", { transferredSize: 100, durationSeconds: 60, selectionSize: 5_000 }),
    session("2026-11-27T10:30:00Z", { status: "FAILED", durationSeconds: 600, selectionSize: 4_000 }),
    session("2026-11-27T23:30:00Z", { status: "COMPLETED_WITH_ERRORS", transferredSize: 50, durationSeconds: 30 }),
    session("2026-11-28T01:00:00Z", { plugin: "MSSQL", type: "RESTORE", transferredSize: 25 }),
    session("2026-11-28T02:00:00Z", { plugin: "MSSQL", status: "SOMETHING_NEW" }),
    session(null, { plugin: "EXCHANGE" }),
  ]);
  const history = buildHistory(sessions, { filters: NO_FILTERS, range, zone, now });

  it("counts the range's sessions, backups by outcome and bytes transferred", () => {
    expect(history.totals).toEqual({ sessions: 5, backups: 4, completed: 1, completedWithErrors: 1, failed: 1, successRate: 0.25, transferred: 175 });
    expect(history.matching).toBe(5);
    expect(history.firstSessionAt).toBe("2026-11-20T09:00:00Z");
    expect(history.lastSessionAt).toBe("2026-11-28T02:00:00Z");
    expect(history.plugins).toEqual(["FILE_SYSTEM", "MSSQL"]);
  });

  it("puts each session in the local day it started on", () => {
    expect(history.series.unit).toBe("day");
    expect(history.series.starts).toEqual([21, 22, 23, 24, 25, 26, 27, 28].map((d) => `2026-11-${d}T11:00:00.000Z`));
    // 27 Nov 10:00 and 10:30 UTC are the 27th in Auckland (bucket 5); 23:30 UTC and later are the 28th.
    expect(history.series.sessions).toEqual([
      [0, 0, 0, 0, 0, 2, 1, 0],
      [0, 0, 0, 0, 0, 0, 2, 0],
    ]);
    expect(history.series.transferred[0]).toEqual([0, 0, 0, 0, 0, 100, 50, 0]);
    expect(history.series.maxDuration[0]).toEqual([null, null, null, null, null, 600, 30, null]);
    expect(history.series.selection[0]).toEqual([null, null, null, null, null, 4_000, null, null]);
  });

  it("keeps the worst status per plugin and day, an unknown one just after FAILED", () => {
    expect(history.status.unit).toBe("day");
    expect(history.status.worst[0]).toEqual([null, null, null, null, null, "FAILED", "COMPLETED_WITH_ERRORS", null]);
    expect(history.status.worst[1]).toEqual([null, null, null, null, null, null, "SOMETHING_NEW", null]);
    expect(worstStatus("COMPLETED", "SOMETHING_NEW")).toBe("SOMETHING_NEW");
    expect(worstStatus("FAILED", "SOMETHING_NEW")).toBe("FAILED");
    expect(worstStatus(null, "CANCELED")).toBe("CANCELED");
  });

  it("draws hours on the local hour in a +05:30 zone", () => {
    const at = Date.parse("2026-11-27T14:00:00Z");
    const hourly = buildHistory(sorted([session("2026-11-27T13:45:00Z")]), { filters: NO_FILTERS, range: { fromMs: at - 86_400_000, toMs: at }, zone: "Asia/Kolkata", now: at });
    expect(hourly.series.unit).toBe("hour");
    expect(hourly.series.starts).toHaveLength(25);
    expect(hourly.series.starts[0]).toBe("2026-11-26T13:30:00.000Z");
    expect(hourly.series.starts[24]).toBe("2026-11-27T13:30:00.000Z");
    expect(hourly.series.sessions[0]![24]).toBe(1);
  });

  it("orders known plugins as N-sight lists them, then unknown ones alphabetically; a plugin filter decides alone", () => {
    const mixed = sorted(["MSSQL", "ZZZ", "FILE_SYSTEM", "AAA"].map((plugin, i) => session(`2026-11-27T0${i}:00:00Z`, { plugin })));
    expect(buildHistory(mixed, { filters: NO_FILTERS, range, zone, now }).plugins).toEqual(["FILE_SYSTEM", "MSSQL", "AAA", "ZZZ"]);
    expect(buildHistory(mixed, { filters: { ...NO_FILTERS, plugins: ["VMWARE", "MSSQL"] }, range, zone, now }).plugins).toEqual(["VMWARE", "MSSQL"]);
  });

  describe("a custom range far outside the history", () => {
    const yearly = sorted(Array.from({ length: 36 }, (_, i) => session(new Date(Date.UTC(2023, 11 + i, 15)).toISOString().replace(".000Z", "Z"))));
    const all = buildHistory(yearly, { filters: NO_FILTERS, range: { fromMs: null, toMs: now }, zone, now });

    it("is clamped to the history: year 0100 to 9999 draws what all history draws", () => {
      const huge = buildHistory(yearly, { filters: NO_FILTERS, range: { fromMs: Date.parse("0100-01-01T00:00:00Z"), toMs: Date.parse("+010000-01-01T00:00:00Z") }, zone, now });
      expect(all.series.unit).toBe("month");
      expect(huge.series).toEqual(all.series);
      expect(huge.status).toEqual(all.status);
      expect(huge.totals).toEqual(all.totals);
      expect(huge.from).toBe("2023-12-15T00:00:00.000Z");
      expect(huge.to).toBe(new Date(now).toISOString());
    });

    it("before the history, draws at most one bucket and counts nothing", () => {
      const before = buildHistory(yearly, { filters: NO_FILTERS, range: { fromMs: Date.parse("1990-01-01T00:00:00Z"), toMs: Date.parse("1991-01-01T00:00:00Z") }, zone, now });
      expect(before.series.starts.length).toBeLessThanOrEqual(1);
      expect(before.totals.sessions).toBe(0);
    });
  });
});

describe("chartSpan", () => {
  const now = Date.parse("2026-11-27T12:00:00Z");
  const day = 86_400_000;

  it("keeps a preset's window whole for a young device", () => {
    expect(chartSpan({ fromMs: now - 30 * day, toMs: now }, "2026-11-20T00:00:00Z", "2026-11-27T00:00:00Z", now)).toEqual({ fromMs: now - 30 * day, toMs: now });
  });

  it("clamps a custom range to the history, or to the last year when the history is younger, and to now", () => {
    const far = { fromMs: Date.parse("0100-01-01T00:00:00Z"), toMs: Date.parse("9999-12-31T00:00:00Z") };
    expect(chartSpan(far, "2020-01-01T00:00:00Z", "2026-11-27T00:00:00Z", now)).toEqual({ fromMs: Date.parse("2020-01-01T00:00:00Z"), toMs: now });
    expect(chartSpan(far, "2026-11-20T00:00:00Z", "2026-11-27T00:00:00Z", now)).toEqual({ fromMs: now - 366 * day, toMs: now });
    expect(chartSpan(far, null, null, now)).toEqual({ fromMs: now - 366 * day, toMs: now });
  });

  it("reaches a session that started after now (a fast clock upstream)", () => {
    expect(chartSpan({ fromMs: now - day, toMs: now + 10 * day }, "2026-01-01T00:00:00Z", "2026-11-28T00:00:00Z", now).toMs).toBe(Date.parse("2026-11-28T00:00:00.001Z"));
  });

  it("starts all history at the first session", () => {
    expect(chartSpan({ fromMs: null, toMs: now }, "2026-01-01T00:00:00Z", "2026-11-27T00:00:00Z", now)).toEqual({ fromMs: Date.parse("2026-01-01T00:00:00Z"), toMs: now });
    expect(chartSpan({ fromMs: null, toMs: now }, null, null, now)).toEqual({ fromMs: now - day, toMs: now });
  });
});

describe("filterSessions", () => {
  const sessions = sorted([
    session("2026-11-01T00:00:00Z", { type: "BACKUP", plugin: "MSSQL", status: "FAILED" }),
    session("2026-11-02T00:00:00Z", { type: "RESTORE", plugin: "MSSQL", status: "COMPLETED" }),
    session("2026-11-03T00:00:00Z", { type: "BACKUP", plugin: "FILE_SYSTEM", status: "COMPLETED" }),
    session("2026-11-04T00:00:00Z", { type: "BACKUP", plugin: "MSSQL", status: "COMPLETED" }),
    session(null, { type: "BACKUP", plugin: "MSSQL", status: "COMPLETED" }),
  ]);
  const ids = (list: BackupSession[]) => list.map((s) => s.start);

  it("keeps sessions started in [from, to) that pass every filter", () => {
    const range = { fromMs: Date.parse("2026-11-01T00:00:00Z"), toMs: Date.parse("2026-11-04T00:00:00Z") };
    expect(ids(filterSessions(sessions, NO_FILTERS, range))).toEqual(["2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"]);
    expect(ids(filterSessions(sessions, { types: ["BACKUP"], plugins: ["MSSQL"], statuses: [] }, range))).toEqual(["2026-11-01T00:00:00Z"]);
    expect(ids(filterSessions(sessions, { types: [], plugins: [], statuses: ["COMPLETED"] }, range))).toEqual(["2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"]);
  });
});

describe("sortSessions and pageOfSessions", () => {
  const a = session("2026-11-01T00:00:00Z", { transferredSize: 10, status: "COMPLETED" });
  const b = session("2026-11-02T00:00:00Z", { transferredSize: null, status: "FAILED" });
  const c = session("2026-11-03T00:00:00Z", { transferredSize: 10, status: "CANCELED" });
  const d = session("2026-11-04T00:00:00Z", { transferredSize: 30, status: "COMPLETED_WITH_ERRORS" });

  it("sorts by the column, unknown values last either way, ties by start", () => {
    expect(sortSessions([a, b, c, d], "transferred", "desc")).toEqual([d, c, a, b]);
    expect(sortSessions([a, b, c, d], "transferred", "asc")).toEqual([a, c, d, b]);
    expect(sortSessions([d, c, b, a], "status", "asc")).toEqual([b, c, d, a]);
    expect(sortSessions([a, b, c, d], "start", "desc")).toEqual([d, c, b, a]);
  });

  it("cuts pages, and clamps a page past the end to the last", () => {
    const many = Array.from({ length: 120 }, (_, i) => session(new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()));
    const last = pageOfSessions(many, { sort: "start", dir: "asc", page: 9 });
    expect({ total: last.total, page: last.page, pageCount: last.pageCount, rows: last.rows.length }).toEqual({ total: 120, page: 3, pageCount: 3, rows: 20 });
    expect(last.rows[0]).toBe(many[100]);
    expect(pageOfSessions(many, { sort: "start", dir: "desc", page: 1 }).rows[0]).toBe(many[119]);
    expect(pageOfSessions([], { sort: "start", dir: "desc", page: 4 })).toEqual({ rows: [], anomalies: {}, total: 0, page: 1, pageSize: 50, pageCount: 1 });
  });
});

describe("quiet failures in view", () => {
  // Twelve daily backups of 1,000 bytes in 10 min; on 25 Nov nothing was transferred, on 28 Nov it took an hour.
  const zone = "Europe/Berlin";
  const now = Date.parse("2026-11-29T12:00:00Z");
  const days = Array.from({ length: 20 }, (_, i) => new Date(Date.UTC(2026, 10, 9 + i, 22)).toISOString());
  const all = days.map((start) =>
    session(start, { transferredSize: start.startsWith("2026-11-25") ? 0 : 1_000, durationSeconds: start.startsWith("2026-11-28") ? 3_600 : 600, selectionSize: 1e6 }),
  );
  const lastWeek = { fromMs: Date.parse("2026-11-22T00:00:00Z"), toMs: now };

  it("lists each anomalous session in the range, newest first, with the day that holds it on the charts", () => {
    const history = buildHistory(all, { filters: NO_FILTERS, range: lastWeek, zone, now });
    expect(history.anomalies.map((a) => [a.rule, a.sessionStart, a.bucket])).toEqual([
      // 22:00 UTC is 23:00 in Berlin, the same local day, which began at 23:00 UTC the day before.
      ["slow", "2026-11-28T22:00:00.000Z", "2026-11-27T23:00:00.000Z"],
      ["nothing_transferred", "2026-11-25T22:00:00.000Z", "2026-11-24T23:00:00.000Z"],
    ]);
    expect(history.anomalies[0]!.reason).toBe("Files and folders took 1 h, 6 times its median of 10 min (usually 10 min to 10 min).");
    expect(history.anomalyCount).toBe(2);
    // Judged against the whole history, even when the range shows only the day itself.
    const oneDay = buildHistory(all, { filters: NO_FILTERS, range: { fromMs: Date.parse("2026-11-25T12:00:00Z"), toMs: Date.parse("2026-11-26T12:00:00Z") }, zone, now });
    expect(oneDay.anomalies.map((a) => a.rule)).toEqual(["nothing_transferred"]);
    expect(oneDay.currentAnomalies.map((a) => a.rule)).toEqual(["slow"]);
    expect(buildHistory(all, { filters: { ...NO_FILTERS, plugins: ["MSSQL"] }, range: lastWeek, zone, now }).anomalies).toEqual([]);
  });

  it("marks the rows of a table page", () => {
    const page = markPage(pageOfSessions(all.slice(10), { sort: "start", dir: "desc", page: 1 }), all, now);
    expect(Object.entries(page.anomalies).map(([id, found]) => [id, found.map((a) => a.rule)])).toEqual([
      [all[16]!.sessionId, ["nothing_transferred"]],
      [all[19]!.sessionId, ["slow"]],
    ]);
  });
});
