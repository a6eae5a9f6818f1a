import { describe, expect, it } from "vitest";
import { checkDeviceViewParams, dataParams, DEFAULT_VIEW, parseDeviceView, rangeSlug, resolveRange, serializeDeviceView, type DeviceView } from "./view";

const NOW = Date.parse("2026-11-27T14:00:00Z");
const DAY = 86_400_000;

const FULL: DeviceView = {
  range: "custom",
  from: "2026-11-01",
  to: "2026-11-07",
  types: ["BACKUP"],
  plugins: ["FILE_SYSTEM", "MSSQL"],
  statuses: ["FAILED"],
  sort: "duration",
  dir: "asc",
  page: 3,
  tz: "Asia/Tokyo",
  units: "decimal",
};

describe("parseDeviceView and serializeDeviceView", () => {
  it("reads nothing as the default view, and writes the default view as nothing", () => {
    expect(parseDeviceView(new URLSearchParams())).toEqual(DEFAULT_VIEW);
    expect(serializeDeviceView(DEFAULT_VIEW).toString()).toBe("");
  });

  it("writes every part of a view in a stable order and reads it back", () => {
    const text = "range=custom&from=2026-11-01&to=2026-11-07&type=BACKUP&plugin=FILE_SYSTEM%2CMSSQL&status=FAILED&sort=duration&dir=asc&page=3&tz=Asia%2FTokyo&units=decimal";
    expect(serializeDeviceView(FULL).toString()).toBe(text);
    expect(parseDeviceView(new URLSearchParams(text))).toEqual(FULL);
  });

  it("reads Next's search params object, taking the first of repeated values", () => {
    expect(parseDeviceView({ range: ["7d", "90d"], plugin: "MSSQL", page: "2" })).toEqual({ ...DEFAULT_VIEW, range: "7d", plugins: ["MSSQL"], page: 2 });
  });

  it("lists filters in the dashboard's order, dropping unknown values", () => {
    const view = parseDeviceView(new URLSearchParams("plugin=MSSQL,BOGUS,FILE_SYSTEM&status=CANCELED,FAILED&type=RESTORE,restore"));
    expect(view.plugins).toEqual(["FILE_SYSTEM", "MSSQL"]);
    expect(view.statuses).toEqual(["FAILED", "CANCELED"]);
    expect(view.types).toEqual(["RESTORE"]);
  });

  it.each([
    ["range=forever", { range: "30d" }],
    ["range=custom&from=2026-11-07&to=2026-11-01", { range: "30d", from: null, to: null }],
    ["range=custom&from=2026-02-30&to=2026-03-01", { range: "30d", from: null, to: null }],
    ["range=custom&from=2026-1-1&to=2026-01-02", { range: "30d", from: null, to: null }],
    ["range=7d&from=2026-11-01&to=2026-11-07", { range: "7d", from: null, to: null }],
    ["page=0", { page: 1 }],
    ["page=2.5", { page: 1 }],
    ["page=100001", { page: 1 }],
    ["sort=password&dir=up", { sort: "start", dir: "desc" }],
    ["units=furlongs", { units: "binary" }],
    ["tz=Not%2FAZone", { tz: null }],
    ["tz=Europe%2FBerlin%3Cscript%3E", { tz: null }],
  ])("falls back to the default for %s", (query, expected) => {
    expect(parseDeviceView(new URLSearchParams(query))).toEqual({ ...DEFAULT_VIEW, ...expected });
  });

  it("spells a zone as Intl does, whatever case or alias the link used", () => {
    expect(parseDeviceView(new URLSearchParams("tz=eUrOpE/bErLiN")).tz).toBe("Europe/Berlin");
    expect(parseDeviceView(new URLSearchParams("tz=US/Eastern")).tz).toBe("America/New_York");
    expect(serializeDeviceView(parseDeviceView(new URLSearchParams("tz=utc"))).toString()).toBe("tz=UTC");
  });
});

describe("dataParams", () => {
  it("keeps what selects data and always names the range and zone", () => {
    expect(dataParams(DEFAULT_VIEW, "UTC").toString()).toBe("range=30d&tz=UTC");
    expect(dataParams(FULL, "Asia/Tokyo").toString()).toBe("range=custom&from=2026-11-01&to=2026-11-07&type=BACKUP&plugin=FILE_SYSTEM%2CMSSQL&status=FAILED&tz=Asia%2FTokyo");
  });
});

describe("resolveRange", () => {
  it("counts presets back from now, and leaves all history open", () => {
    expect(resolveRange({ range: "7d", from: null, to: null }, NOW, "UTC")).toEqual({ fromMs: NOW - 7 * DAY, toMs: NOW });
    expect(resolveRange({ range: "24h", from: null, to: null }, NOW, "Asia/Tokyo")).toEqual({ fromMs: NOW - DAY, toMs: NOW });
    expect(resolveRange({ range: "all", from: null, to: null }, NOW, "UTC")).toEqual({ fromMs: null, toMs: NOW });
  });

  it("reads custom days in the zone, from the first instant of the first day to the first of the day after the last", () => {
    // Kolkata is +05:30 all year.
    expect(resolveRange({ range: "custom", from: "2026-11-01", to: "2026-11-07" }, NOW, "Asia/Kolkata")).toEqual({
      fromMs: Date.parse("2026-10-31T18:30:00Z"),
      toMs: Date.parse("2026-11-07T18:30:00Z"),
    });
    // Santiago's 6 Sep 2026 begins at 01:00 -03 (DST starts at midnight); the 5th ends at the same instant.
    expect(resolveRange({ range: "custom", from: "2026-09-06", to: "2026-09-06" }, NOW, "America/Santiago")).toEqual({
      fromMs: Date.parse("2026-09-06T04:00:00Z"),
      toMs: Date.parse("2026-09-07T03:00:00Z"),
    });
    expect(resolveRange({ range: "custom", from: "2026-09-05", to: "2026-09-05" }, NOW, "America/Santiago").toMs).toBe(Date.parse("2026-09-06T04:00:00Z"));
  });

  it("reads years before 1000 and up to 9999 as themselves", () => {
    expect(resolveRange({ range: "custom", from: "0100-01-01", to: "9999-12-31" }, NOW, "UTC")).toEqual({
      fromMs: Date.parse("0100-01-01T00:00:00Z"),
      toMs: Date.parse("+010000-01-01T00:00:00Z"),
    });
  });
});

describe("rangeSlug", () => {
  it("names the range for a file", () => {
    expect(rangeSlug({ range: "custom", from: "2026-11-01", to: "2026-11-07" })).toBe("2026-11-01_to_2026-11-07");
    expect(rangeSlug({ range: "all", from: null, to: null })).toBe("all-history");
    expect(rangeSlug({ range: "90d", from: null, to: null })).toBe("last-90d");
  });
});

describe("checkDeviceViewParams", () => {
  it("accepts a well-formed query, a zone in any spelling included", () => {
    expect(checkDeviceViewParams(new URLSearchParams("range=custom&from=2026-11-01&to=2026-11-07&type=BACKUP&plugin=MSSQL&status=FAILED&sort=end&dir=asc&page=2&tz=eUrOpE/bErLiN&units=decimal"))).toBeNull();
    expect(checkDeviceViewParams(new URLSearchParams())).toBeNull();
  });

  it.each([
    ["range=forever", "Invalid range."],
    ["range=custom&from=2026-11-07", "Invalid custom range: from and to must be real days (YYYY-MM-DD), from not after to."],
    ["range=custom&from=2026-11-07&to=2026-11-01", "Invalid custom range: from and to must be real days (YYYY-MM-DD), from not after to."],
    ["from=2026-11-01&to=2026-11-07", "from and to are only accepted with range=custom."],
    ["type=BACKUP,ARCHIVE", "Invalid type."],
    ["plugin=", "Invalid plugin."],
    ["status=failed", "Invalid status."],
    ["sort=password", "Invalid sort."],
    ["dir=up", "Invalid dir."],
    ["page=01", "Invalid page."],
    ["page=0", "Invalid page."],
    ["tz=Not/AZone", "Invalid tz: expected an IANA time zone such as Europe/London."],
    ["tz=", "Invalid tz: expected an IANA time zone such as Europe/London."],
    ["units=bits", "Invalid units."],
  ])("refuses %s", (query, message) => {
    expect(checkDeviceViewParams(new URLSearchParams(query))).toBe(message);
  });
});
