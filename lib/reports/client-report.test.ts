import { describe, expect, it } from "vitest";
import type { BackupSession } from "../types";
import { buildClientReport, monthBounds, parseReportMonth, previousFullMonth, type DeviceRead, type ReportDevice } from "./client-report";

// Every expected figure below was worked out by hand from the sessions listed, not by running the code.

function session(start: string, status: string, extra: Partial<BackupSession> = {}): BackupSession {
  return {
    sessionId: `${start}-${extra.plugin ?? "FILE_SYSTEM"}`,
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
    status,
    ...extra,
  };
}

const device = (deviceId: string, name = `Device ${deviceId}`): ReportDevice => ({ deviceId, name, siteName: "HQ", type: "server", backupEnabled: true });
const read = (sessions: BackupSession[], stale = false): DeviceRead => ({ state: "read", sessions, stale, fetchedAt: Date.parse("2026-11-15T00:00:00Z") });

describe("report month", () => {
  it("accepts only YYYY-MM between 2000 and 2100", () => {
    expect(parseReportMonth("2026-11")).toEqual({ ok: true, month: { year: 2026, month: 11 } });
    expect(parseReportMonth("2000-01").ok).toBe(true);
    for (const odd of ["2026-1", "2026-13", "2026-00", "1999-12", "2101-01", "2026-11-01", "nov-2026", " 2026-11", "2026_11", "２０２６-11", "", "9999-99"]) {
      expect(parseReportMonth(odd).ok, odd).toBe(false);
    }
  });

  it("defaults to the last month that has ended in the client's zone", () => {
    const now = Date.parse("2027-01-01T02:00:00Z");
    expect(previousFullMonth(now, "Pacific/Auckland")).toEqual({ year: 2026, month: 12 }); // 15:00 on 1 January there
    expect(previousFullMonth(now, "America/Los_Angeles")).toEqual({ year: 2026, month: 11 }); // 18:00 on 31 December there
    expect(previousFullMonth(Date.parse("2026-03-10T12:00:00Z"), "UTC")).toEqual({ year: 2026, month: 2 });
  });

  it("bounds a month by the zone's midnights, across a DST change", () => {
    // Berlin: CEST (+2) on 1 October, CET (+1) from 25 October.
    const berlin = monthBounds({ year: 2026, month: 10 }, "Europe/Berlin");
    expect(new Date(berlin.from).toISOString()).toBe("2026-09-30T22:00:00.000Z");
    expect(new Date(berlin.to).toISOString()).toBe("2026-10-31T23:00:00.000Z");
    // Santiago: -4 on 1 September, -3 after clocks skip from 00:00 to 01:00 on 6 September.
    const santiago = monthBounds({ year: 2026, month: 9 }, "America/Santiago");
    expect(new Date(santiago.from).toISOString()).toBe("2026-09-01T04:00:00.000Z");
    expect(new Date(santiago.to).toISOString()).toBe("2026-10-01T03:00:00.000Z");
  });
});

describe("client report", () => {
  it("counts a 31-day month: runs, good runs, rate, last good, days without, protected and transferred", () => {
    const sessions = [
      session("2026-09-30T23:00:00Z", "COMPLETED", { transferredSize: 999, selectionSize: 900 }), // September: only history
      session("2026-10-01T02:00:00Z", "COMPLETED", { transferredSize: 100, selectionSize: 1000 }),
      session("2026-10-02T02:00:00Z", "FAILED", { transferredSize: 0 }),
      session("2026-10-02T03:00:00Z", "COMPLETED", { type: "RESTORE", transferredSize: 5000 }), // restores do not count
      session("2026-10-31T23:30:00Z", "COMPLETED_WITH_ERRORS", { end: "2026-10-31T23:50:00Z", transferredSize: 50, selectionSize: 1200 }),
      session("2026-11-01T00:00:00Z", "COMPLETED", { transferredSize: 7, selectionSize: 1300 }), // November
    ];
    const report = buildClientReport({ month: { year: 2026, month: 10 }, zone: "UTC", now: Date.parse("2026-11-15T00:00:00Z"), devices: [{ device: device("1"), read: read(sessions) }] });
    expect(report.elapsedDays).toBe(31);
    expect(report.timing).toBe("past");
    const [d] = report.devices;
    expect(d!.days).toHaveLength(31);
    expect(d!.runs).toBe(3);
    expect(d!.succeeded).toBe(2);
    expect(d!.successRate).toBeCloseTo(2 / 3);
    expect(d!.transferredBytes).toBe(150);
    expect(d!.protectedBytes).toBe(1200);
    expect(d!.lastGoodAt).toBe("2026-10-31T23:50:00.000Z");
    // Good backups on the 1st and the 31st only.
    expect(d!.daysWithoutGood).toBe(29);
    expect(d!.failures).toEqual([{ at: "2026-10-02T02:00:00Z", day: "2026-10-02", plugin: "FILE_SYSTEM", status: "FAILED" }]);
    expect(d!.days[1]).toEqual({ day: "2026-10-02", succeeded: 0, unsuccessful: 1, transferredBytes: 0 });
    expect(report.totals).toMatchObject({ devices: 1, devicesRead: 1, runs: 3, succeeded: 2, failures: 1, transferredBytes: 150, protectedBytes: 1200 });
  });

  it("puts sessions on the client's days in a DST month (Berlin, October)", () => {
    const sessions = [
      session("2026-09-30T22:30:00Z", "COMPLETED", { transferredSize: 1 }), // 1 Oct 00:30 CEST: in
      session("2026-10-25T23:30:00Z", "FAILED", { transferredSize: 2 }), // 26 Oct 00:30 CET (25 Oct in UTC)
      session("2026-10-31T23:30:00Z", "COMPLETED", { transferredSize: 4 }), // 1 Nov 00:30 CET: out
    ];
    const report = buildClientReport({ month: { year: 2026, month: 10 }, zone: "Europe/Berlin", now: Date.parse("2026-12-01T00:00:00Z"), devices: [{ device: device("1"), read: read(sessions) }] });
    const [d] = report.devices;
    expect(d!.days).toHaveLength(31);
    expect(d!.runs).toBe(2);
    expect(d!.transferredBytes).toBe(3);
    expect(d!.failures.map((f) => f.day)).toEqual(["2026-10-26"]);
    expect(d!.days.find((x) => x.day === "2026-10-01")!.succeeded).toBe(1);
    expect(d!.days.find((x) => x.day === "2026-10-25")!.unsuccessful).toBe(0);
    expect(d!.daysWithoutGood).toBe(30);
  });

  it("counts the days of Santiago's September, whose 6th begins at 01:00", () => {
    const sessions = [
      session("2026-09-01T03:30:00Z", "COMPLETED", { transferredSize: 1 }), // 31 Aug 23:30 -04: out
      session("2026-09-06T04:10:00Z", "COMPLETED", { transferredSize: 2 }), // 6 Sep 01:10 -03: in, on the 6th
      session("2026-10-01T02:30:00Z", "COMPLETED", { transferredSize: 4 }), // 30 Sep 23:30 -03: in
      session("2026-10-01T03:30:00Z", "COMPLETED", { transferredSize: 8 }), // 1 Oct 00:30 -03: out
    ];
    const report = buildClientReport({ month: { year: 2026, month: 9 }, zone: "America/Santiago", now: Date.parse("2026-11-01T00:00:00Z"), devices: [{ device: device("1"), read: read(sessions) }] });
    const [d] = report.devices;
    expect(d!.days).toHaveLength(30);
    expect(d!.days.map((x) => x.day)).toContain("2026-09-06");
    expect(d!.runs).toBe(2);
    expect(d!.transferredBytes).toBe(6);
    expect(d!.days.find((x) => x.day === "2026-09-06")!.succeeded).toBe(1);
    expect(d!.days.find((x) => x.day === "2026-09-30")!.succeeded).toBe(1);
    expect(d!.daysWithoutGood).toBe(28);
  });

  it("says a device with no sessions had no good backup on any day, with no rate rather than 0 % or 100 %", () => {
    const report = buildClientReport({ month: { year: 2026, month: 2 }, zone: "UTC", now: Date.parse("2026-03-05T00:00:00Z"), devices: [{ device: device("9"), read: read([]) }] });
    const [d] = report.devices;
    expect(d!.coverage).toBe("no_sessions");
    expect(d!.runs).toBe(0);
    expect(d!.successRate).toBeNull();
    expect(d!.daysWithoutGood).toBe(28);
    expect(d!.lastGoodAt).toBeNull();
    expect(report.totals.successRate).toBeNull();
  });

  it("counts a plugin's days separately: a day is without a good backup when any plugin had none", () => {
    const sessions = [
      session("2026-04-01T10:00:00Z", "COMPLETED"),
      session("2026-04-01T11:00:00Z", "COMPLETED", { plugin: "SYSTEM_STATE" }),
      session("2026-04-02T10:00:00Z", "COMPLETED"),
      session("2026-04-02T11:00:00Z", "FAILED", { plugin: "SYSTEM_STATE" }),
    ];
    // April 3 has begun but not ended: the 1st and 2nd are the elapsed days.
    const report = buildClientReport({ month: { year: 2026, month: 4 }, zone: "UTC", now: Date.parse("2026-04-03T12:00:00Z"), devices: [{ device: device("1"), read: read(sessions) }] });
    const [d] = report.devices;
    expect(report.timing).toBe("current");
    expect(report.elapsedDays).toBe(2);
    expect(d!.plugins.map((p) => [p.plugin, p.runs, p.succeeded, p.daysWithoutGood])).toEqual([
      ["FILE_SYSTEM", 2, 2, 0],
      ["SYSTEM_STATE", 2, 1, 1],
    ]);
    expect(d!.daysWithoutGood).toBe(1);
  });

  it("counts no days before a device's history begins, and flags a month older than all history", () => {
    const later = [session("2026-06-10T00:00:00Z", "COMPLETED")];
    const before = buildClientReport({ month: { year: 2026, month: 5 }, zone: "UTC", now: Date.parse("2026-07-01T00:00:00Z"), devices: [{ device: device("1"), read: read(later) }] });
    expect(before.devices[0]!.coverage).toBe("history_starts_later");
    expect(before.devices[0]!.daysWithoutGood).toBeNull();
    expect(before.beforeHistory).toBe(true);
    const june = buildClientReport({ month: { year: 2026, month: 6 }, zone: "UTC", now: Date.parse("2026-07-01T00:00:00Z"), devices: [{ device: device("1"), read: read(later) }] });
    // History from the 10th: the 10th to the 30th are counted, and the 10th had its backup.
    expect(june.devices[0]!.daysWithoutGood).toBe(20);
    expect(june.beforeHistory).toBe(false);
  });

  it("leaves unreadable and switched-off devices out of the totals and says how many", () => {
    const report = buildClientReport({
      month: { year: 2026, month: 10 },
      zone: "UTC",
      now: Date.parse("2026-11-02T00:00:00Z"),
      devices: [
        { device: device("1"), read: read([session("2026-10-05T00:00:00Z", "COMPLETED", { transferredSize: 10 })], true) },
        { device: device("2"), read: { state: "unreadable", reason: "N-sight did not answer." } },
        { device: { ...device("3"), backupEnabled: false }, read: { state: "off" } },
      ],
    });
    expect(report.devices.map((d) => d.read)).toEqual(["stale", "unreadable", "off"]);
    expect(report.totals).toMatchObject({ devices: 3, devicesRead: 1, devicesUnreadable: 1, devicesOff: 1, runs: 1, succeeded: 1, successRate: 1, transferredBytes: 10 });
    expect(report.devices[1]!.successRate).toBeNull();
  });

  it("keeps the anomalies seen in the month, with their day in the zone", () => {
    const anomalies = [
      { plugin: "FILE_SYSTEM", rule: "transfer_spike" as const, sessionStart: "2026-10-10T23:30:00Z", reason: "Transferred 9 GiB, usually 1 GiB.", observed: 9, expected: 1 },
      { plugin: "FILE_SYSTEM", rule: "slow" as const, sessionStart: "2026-09-10T00:00:00Z", reason: "Old.", observed: 1, expected: 1 },
    ];
    const report = buildClientReport({
      month: { year: 2026, month: 10 },
      zone: "Asia/Tokyo",
      now: Date.parse("2026-11-02T00:00:00Z"),
      devices: [{ device: device("1"), read: { ...(read([]) as Extract<DeviceRead, { state: "read" }>), anomalies } }],
    });
    expect(report.devices[0]!.anomalies).toEqual([{ at: "2026-10-10T23:30:00Z", day: "2026-10-11", plugin: "FILE_SYSTEM", rule: "transfer_spike", reason: "Transferred 9 GiB, usually 1 GiB." }]);
    expect(report.totals.anomalies).toBe(1);
  });
});

describe("client report CSV", () => {
  it("has a row per device and plugin, a totals row with the page's totals, and defuses formulas in names", async () => {
    const { clientReportToCsv, clientReportFilename } = await import("./client-report-csv");
    const report = buildClientReport({
      month: { year: 2026, month: 10 },
      zone: "UTC",
      now: Date.parse("2026-11-02T00:00:00Z"),
      devices: [
        { device: device("1", "=HYPERLINK(\"x\")"), read: read([session("2026-10-05T00:00:00Z", "COMPLETED", { transferredSize: 10, selectionSize: 40 }), session("2026-10-06T00:00:00Z", "FAILED")]) },
        { device: device("2"), read: { state: "unreadable", reason: "N-sight did not answer." } },
      ],
    });
    const lines = clientReportToCsv(report, "Acme, Inc.").trimEnd().split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('"Acme, Inc.",2026-10,UTC,1,"\'=HYPERLINK(""x"")",HQ,FILE_SYSTEM,read,2,1,50,2026-10-05T00:00:00Z,"5 Oct 2026, 00:00:00",26,40,10,1,2026-10-06,0,');
    expect(lines[2]).toBe('"Acme, Inc.",2026-10,UTC,2,Device 2,HQ,,unreadable,0,0,,,,,,0,0,,0,');
    expect(lines[3]).toBe('"Acme, Inc.",2026-10,UTC,TOTAL,1 of 2 devices read,,,,2,1,50,,,,40,10,1,,0,');
    expect(clientReportFilename("Müller Bau GmbH", "7", "2026-10")).toBe("report-Muller-Bau-GmbH-7-2026-10.csv");
  });
});

describe("report anomalies", () => {
  it("lists the quiet failures of the month's sessions only, each judged against the history before it", async () => {
    const { reportAnomalies } = await import("./report-anomalies");
    const days = (from: number, count: number, transferredSize: number) =>
      Array.from({ length: count }, (_, i) => session(`2026-09-${String(from + i).padStart(2, "0")}T02:00:00Z`, "COMPLETED", { transferredSize, selectionSize: 5000 }));
    const sessions = [
      ...days(1, 12, 100),
      session("2026-09-13T02:00:00Z", "COMPLETED", { transferredSize: 1000, selectionSize: 5000 }), // a spike, but in September
      ...days(14, 17, 100),
      session("2026-10-01T02:00:00Z", "COMPLETED", { transferredSize: 100, selectionSize: 5000 }),
      session("2026-10-02T02:00:00Z", "COMPLETED", { transferredSize: 1000, selectionSize: 5000 }), // ten times the usual 100
      ...Array.from({ length: 29 }, (_, i) => session(`2026-10-${String(3 + i).padStart(2, "0")}T02:00:00Z`, "COMPLETED", { transferredSize: 100, selectionSize: 5000 })),
      session("2026-11-01T02:00:00Z", "COMPLETED", { transferredSize: 1000, selectionSize: 5000 }), // a spike, but in November
    ];
    const october = monthBounds({ year: 2026, month: 10 }, "UTC");
    const found = reportAnomalies(sessions, october, Date.parse("2026-11-01T03:00:00Z"));
    expect(found.map((a) => [a.sessionStart, a.rule])).toEqual([["2026-10-02T02:00:00Z", "transfer_spike"]]);
  });
});
