import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeXmlBytes } from "./decode";
import { mapClientDevices, mapClients, mapSiteDevices, mapSites } from "./records";
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

  it("refuses inventory counts beyond 2^53 - 1 instead of rounding them", () => {
    const clients = mapClients(
      readXml('<result status="OK"><items><client><clientid>1</clientid><name>A</name><device_count>9007199254740993</device_count><server_count>9007199254740991</server_count></client></items></result>'),
    );
    expect(clients[0]).toMatchObject({ deviceCount: 0, serverCount: 9007199254740991 });
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
