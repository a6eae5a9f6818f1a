import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeXmlBytes } from "./decode";
import { mapClientDevices, mapClients, mapSessions, mapSiteDevices, mapSites, utcMillis } from "./records";
import { readXml } from "./xml";

function fixture(name: string) {
  const bytes = new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
  return readXml(decodeXmlBytes(bytes));
}

describe("mapClients", () => {
  it("maps every field, keeping ids as strings and names with accents, ampersands and markup", () => {
    const clients = mapClients(fixture("list_clients.xml"));
    expect(clients).toEqual([
      {
        clientId: "100001",
        name: "Müller Bau GmbH",
        timezone: "Europe/Zurich",
        createdOn: "2014-04-30",
        serverCount: 5,
        workstationCount: 20,
        mobileDeviceCount: 0,
        deviceCount: 25,
        viewDashboard: false,
        viewWorkstationAssets: true,
      },
      {
        clientId: "100002",
        name: "Smith & Sons <Plumbing>",
        timezone: null,
        createdOn: null,
        serverCount: 0,
        workstationCount: 3,
        mobileDeviceCount: 0,
        deviceCount: 3,
        viewDashboard: true,
        viewWorkstationAssets: false,
      },
    ]);
  });

  it("reads one record not wrapped in a list, from an indented document without an encoding", () => {
    const clients = mapClients(fixture("list_clients_single_indented.xml"));
    expect(clients.map((c) => [c.clientId, c.name, c.timezone])).toEqual([["123456789", "Genève Santé SA", "Europe/London"]]);
  });

  it("reads <items/> as no records", () => {
    expect(mapClients(fixture("empty_items.xml"))).toEqual([]);
    expect(mapSites(fixture("empty_items.xml"), "1")).toEqual([]);
    expect(mapSiteDevices(fixture("empty_items.xml"), "1", "server")).toEqual([]);
    expect(mapClientDevices(fixture("empty_items.xml"), "1", "server")).toEqual([]);
  });

  it("drops and reports a record without an id instead of inventing one", () => {
    const dropped: string[] = [];
    const root = readXml('<result status="OK"><items><client><name>x</name></client><client><clientid>7</clientid></client></items></result>');
    const clients = mapClients(root, (service, reason) => dropped.push(`${service}: ${reason}`));
    expect(clients.map((c) => c.clientId)).toEqual(["7"]);
    expect(dropped).toEqual(["list_clients: client without a numeric clientid"]);
  });
});

describe("mapSites", () => {
  it("maps sites with empty optional fields as null", () => {
    expect(mapSites(fixture("list_sites.xml"), "100001")).toEqual([
      {
        siteId: "200001",
        clientId: "100001",
        name: "Zürich",
        connectionOk: true,
        createdOn: "2009-06-01",
        primaryRouter: "www.prime.com",
        secondaryRouter: null,
      },
    ]);
  });
});

describe("mapSiteDevices", () => {
  it("maps workstations, reading sentinels and missing elements as unknown", () => {
    const [full, sparse] = mapSiteDevices(fixture("list_workstations.xml"), "200001", "workstation");
    expect(full).toMatchObject({
      deviceId: "3000002",
      siteId: "200001",
      type: "workstation",
      name: "LT-JMÜLLER",
      os: "Microsoft Windows 11 Pro",
      online: true,
      user: "SERVER\\peter",
      agentVersion: "10_13_8",
      installedOn: "2009-07-10",
      lastBootTime: "2024-12-10T12:42:39Z",
      lastScanTime: "2024-12-25T10:41:00Z",
      backupEnabled: null,
    });
    expect(sparse).toMatchObject({
      deviceId: "3000003",
      name: "PC-OLD",
      online: false,
      description: null,
      lastBootTime: null,
      lastScanTime: null,
      os: null,
    });
  });
});

describe("mapClientDevices", () => {
  it("flattens client > site > device with the site and the B&R flag", () => {
    const devices = mapClientDevices(fixture("list_devices_at_client.xml"), "100001", "server");
    expect(devices).toEqual([
      {
        deviceId: "3000001",
        clientId: "100001",
        siteId: "200001",
        siteName: "Zürich",
        type: "server",
        name: "MB-DC01",
        description: "Domain controller",
        username: "Company\\Administrator",
        status: "Ok",
        backupEnabled: true,
      },
      {
        deviceId: "3000004",
        clientId: "100001",
        siteId: "200002",
        siteName: "Genève",
        type: "server",
        name: "MB-FS01",
        description: null,
        username: null,
        status: "Ok",
        backupEnabled: false,
      },
    ]);
  });
});

describe("mapSessions", () => {
  it("maps every field, sorts by start, reads times as UTC and sizes above 2^32 exactly", () => {
    const sessions = mapSessions(fixture("list_mob_sessions.xml"));
    expect(sessions.map((s) => s.sessionId)).toEqual(["12345", "12346", "12347"]);
    expect(sessions[0]).toEqual({
      sessionId: "12345",
      type: "BACKUP",
      storageAccountId: "139",
      plugin: "FILE_SYSTEM",
      start: "2013-03-17T00:06:57Z",
      end: "2013-03-17T00:07:23Z",
      durationSeconds: 26,
      selectionSize: 132579334528,
      selectionItemCount: 22,
      sizeChange: 843776,
      itemCountChange: 2,
      removedItemCount: 0,
      processedSize: 132579334528,
      processedItemCount: 22,
      transferredSize: 955045456,
      errorCount: 0,
      status: "COMPLETED",
    });
    expect(sessions[1]).toMatchObject({ plugin: "SYSTEM_STATE", status: "FAILED", durationSeconds: 724, errorCount: 2 });
  });

  it("keeps unknown enum values and flags them, with fields in any order and some missing", () => {
    const odd = mapSessions(fixture("list_mob_sessions.xml"))[2]!;
    expect(odd).toMatchObject({
      sessionId: "12347",
      type: "VERIFY",
      plugin: "HYPER_V",
      status: "SUPERSEDED",
      start: "2013-03-18T00:06:57Z",
      end: null,
      durationSeconds: null,
      transferredSize: null,
      storageAccountId: null,
      unknownValues: ["type", "plugin", "status"],
    });
  });

  it("keeps sizes exact up to 2^53 - 1 and refuses larger ones instead of rounding them", () => {
    const session = (size: string) =>
      readXml(`<result status="OK"><session><session_id>1</session_id><selection_size>${size}</selection_size><transferred_size>-${size}</transferred_size></session></result>`);
    // 2^53 - 1 = 9007199254740991 and 2^53 + 1 = 9007199254740993, written out by hand.
    expect(mapSessions(session("9007199254740991"))[0]).toMatchObject({ selectionSize: 9007199254740991, transferredSize: -9007199254740991 });
    for (const big of ["9007199254740992", "9007199254740993", "10000000000000001", "99999999999999999", "123456789012345678901"]) {
      expect(mapSessions(session(big))[0], big).toMatchObject({ selectionSize: null, transferredSize: null });
    }
  });

  it("refuses inventory counts beyond 2^53 - 1 instead of rounding them", () => {
    const clients = mapClients(
      readXml('<result status="OK"><items><client><clientid>1</clientid><name>A</name><device_count>9007199254740993</device_count><server_count>9007199254740991</server_count></client></items></result>'),
    );
    expect(clients[0]).toMatchObject({ deviceCount: 0, serverCount: 9007199254740991 });
  });

  it("reads an answer with no session as an empty history", () => {
    expect(mapSessions(fixture("list_mob_sessions_empty.xml"))).toEqual([]);
  });

  it("accepts sessions inside an unexpected wrapper element", () => {
    const root = readXml('<result status="OK"><mob_sessions><session><session_id>1</session_id><start>2024-01-01 00:00:00</start></session></mob_sessions></result>');
    expect(mapSessions(root).map((s) => s.sessionId)).toEqual(["1"]);
  });

  it("puts undated sessions last", () => {
    const root = readXml(
      '<result status="OK"><session><session_id>2</session_id></session><session><session_id>1</session_id><start>2024-01-01 00:00:00</start></session></result>',
    );
    expect(mapSessions(root).map((s) => s.sessionId)).toEqual(["1", "2"]);
  });
});

describe("utcMillis", () => {
  it("reads N-sight date-times as UTC and rejects sentinels and impossible dates", () => {
    expect(utcMillis("2013-03-17 00:06:57")).toBe(Date.UTC(2013, 2, 17, 0, 6, 57));
    expect(utcMillis("0000-00-00 00:00:00")).toBeNaN();
    expect(utcMillis("2024-02-31 00:00:00")).toBeNaN();
    expect(utcMillis("2024-01-01")).toBeNaN();
    expect(utcMillis(undefined)).toBeNaN();
  });
});
