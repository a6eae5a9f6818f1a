import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readXml, childElement, childElements } from "../lib/nsight/xml";
import { HOSTILE_SESSION_FIELDS } from "./hostile";
import { SCENARIO, ZURICH_SITE_ID } from "./scenarios";
import { startSimulator, type Simulator } from "./server";
import { apiGet, apiUrl, latin1, rawRequest, TEST_UA, type RawResponse } from "./test-support";

const KEY = "test-key-0123";
const NOW = "2026-11-27T07:00:00Z";
let sim: Simulator;

const call = (params: Record<string, string>, headers: Record<string, string> = {}) => apiGet(sim.url, { apikey: KEY, ...params }, headers);

function errorOf(res: RawResponse): { status: string | undefined; code: string | undefined; message: string | undefined } {
  const root = readXml(latin1(res.body));
  const error = childElement(root, "error");
  return {
    status: root.attrs?.status,
    code: error ? childElement(error, "errorcode")?.text : undefined,
    message: error ? childElement(error, "message")?.text : undefined,
  };
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, key: KEY, now: NOW, seed: 42 });
});

afterAll(async () => {
  await sim.close();
});

describe("wire format", () => {
  it("starts with the ISO-8859-1 declaration, a newline and <result> with created in the territory's offset", async () => {
    const res = await call({ service: "list_clients" }, { Host: "www.systemmonitor.us" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/xml; charset=ISO-8859-1");
    expect(latin1(res.body)).toMatch(
      /^<\?xml version="1\.0" encoding="ISO-8859-1"\?>\n<result created="2026-11-27T01:00:00-06:00" host="www\.systemmonitor\.us" status="OK"><items><client>/,
    );
    expect(latin1(res.body).endsWith("</client></items></result>")).toBe(true);
    expect(Number(res.headers["content-length"])).toBe(res.body.byteLength);
  });

  it("is compact: no whitespace between elements", async () => {
    const all: Record<string, string>[] = [
      { service: "list_clients" },
      { service: "list_sites", clientid: SCENARIO.accentClient },
      { service: "list_servers", siteid: "200001" },
      { service: "list_devices_at_client", clientid: SCENARIO.accentClient, devicetype: "workstation" },
      { service: "list_mob_sessions", deviceid: "3000004" },
    ];
    for (const params of all) {
      const text = latin1((await call(params)).body);
      expect(text.slice(text.indexOf("\n") + 1)).not.toMatch(/>\s+</);
    }
  });

  it('sends "Zürich" as the single byte 0xFC, in CDATA', async () => {
    const res = await call({ service: "list_sites", clientid: SCENARIO.accentClient });
    expect(res.body.includes(Buffer.from([0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68]))).toBe(true); // Z ü r i c h
    expect(res.body.includes(Buffer.from("Zürich", "utf8"))).toBe(false);
    expect(latin1(res.body)).toContain(`<siteid>${ZURICH_SITE_ID}</siteid><name><![CDATA[Zürich]]></name>`);
  });

  it("puts names in CDATA, markup included", async () => {
    const clients = latin1((await call({ service: "list_clients" })).body);
    expect(clients).toContain("<name><![CDATA[Müller Bau GmbH]]></name><clientid>100001</clientid>");
    expect(clients).toContain('<name><![CDATA[<script>alert("x")</script> Labs]]></name>');
    expect(clients).toContain("<name><![CDATA[Smith & Sons Plumbing]]></name>");
    const devices = latin1((await call({ service: "list_devices_at_client", clientid: SCENARIO.markupClient, devicetype: "workstation" })).body);
    expect(devices).toContain('<name><![CDATA["><img src=x onerror=alert(1)>]]></name>');
  });

  it("writes the right-to-left override as &#x202E; outside CDATA", async () => {
    const devices = latin1((await call({ service: "list_devices_at_client", clientid: SCENARIO.markupClient, devicetype: "workstation" })).body);
    expect(devices).toContain(`<id>${SCENARIO.rtlDevice}</id><name>LT-&#x202E;HTIMSJ</name>`);
    const workstations = latin1((await call({ service: "list_workstations", siteid: "200003" })).body);
    expect(workstations).toContain("<name>LT-&#x202E;HTIMSJ</name>");
    const root = readXml(workstations);
    const names = childElements(childElement(root, "items") ?? root, "workstation").map((w) => childElement(w, "name")?.text);
    expect(names).toContain("LT-\u202eHTIMSJ");
  });

  it("self-closes empty lists and scalars", async () => {
    const sites = latin1((await call({ service: "list_sites", clientid: SCENARIO.emptyClient })).body);
    expect(sites).toMatch(/status="OK"><items\/><\/result>$/);
    const clients = latin1((await call({ service: "list_clients" })).body);
    expect(clients).toContain("<name><![CDATA[Harbour View Dental]]></name><clientid>100006</clientid>");
    expect(clients).toMatch(/<clientid>100006<\/clientid>.*?<timezone\/>/);
    const devices = latin1((await call({ service: "list_devices_at_client", clientid: SCENARIO.markupClient, devicetype: "server" })).body);
    expect(devices).toMatch(/status="OK"><items\/><\/result>$/);
  });

  it("answers a device without sessions with an empty <result>", async () => {
    const res = await call({ service: "list_mob_sessions", deviceid: SCENARIO.backupOff });
    expect(latin1(res.body)).toMatch(/^<\?xml[^\n]*\n<result created="[^"]+" host="[^"]+" status="OK"><\/result>$/);
  });

  it("puts <session> elements directly under <result>", async () => {
    const text = latin1((await call({ service: "list_mob_sessions", deviceid: "3000004" })).body);
    expect(text).toMatch(/status="OK"><session><session_id>\d+<\/session_id><type>(BACKUP|RESTORE)<\/type><storage_account_id>\d+<\/storage_account_id><plugin>[A-Z_]+<\/plugin><start>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/start>/);
    const root = readXml(text);
    expect(root.children.every((c) => c.name === "session")).toBe(true);
    const fields = root.children[0]?.children.map((c) => c.name);
    expect(fields).toEqual([...HOSTILE_SESSION_FIELDS]);
  });

  it("lists servers and workstations with the documented fields and sentinels", async () => {
    const servers = readXml(latin1((await call({ service: "list_servers", siteid: "200001" })).body));
    const records = childElements(childElement(servers, "items") ?? servers, "server");
    expect(records.length).toBe(2);
    const names = records[0]?.children.map((c) => c.name) ?? [];
    for (const field of ["guid", "name", "install_date", "last_boot_time", "serverid", "agent_version", "online", "last_scan_time", "total_memory", "utc_offset"]) {
      expect(names).toContain(field);
    }
    // Across the fleet, every sentinel of docs/nsight-api.md §4.3 shows up.
    let text = "";
    for (const site of sim.fleet.sites.slice(0, 40)) {
      text += latin1((await call({ service: "list_workstations", siteid: site.id })).body);
      text += latin1((await call({ service: "list_servers", siteid: site.id })).body);
    }
    expect(text).toContain("<last_boot_time><![CDATA[Not Available]]></last_boot_time>");
    expect(text).toContain("<last_boot_time/>");
    expect(text).toMatch(/<last_boot_time><!\[CDATA\[\d{10}\]\]><\/last_boot_time>/);
    expect(text).toContain("<last_scan_time>0000-00-00 00:00:00</last_scan_time>");
  });

  it("filters list_clients by devicetype and defaults list_devices_at_client to servers", async () => {
    const servers = latin1((await call({ service: "list_clients", devicetype: "server" })).body);
    expect(servers).not.toContain("<clientid>100002</clientid>"); // the markup client has no servers
    expect(servers).toContain("<clientid>100001</clientid>");
    const mobile = latin1((await call({ service: "list_clients", devicetype: "mobile_device" })).body);
    expect(mobile).toMatch(/<items\/><\/result>$/);
    const dac = latin1((await call({ service: "list_devices_at_client", clientid: SCENARIO.accentClient })).body);
    expect(dac).toContain("<server><id>");
    expect(dac).not.toContain("<workstation>");
    // Sites by name, devices by name: "München" sorts before "Zürich".
    expect(dac.indexOf("München")).toBeLessThan(dac.indexOf("Zürich"));
    expect(dac).toMatch(/<mob>1<\/mob>/);
  });

  it("dashboard_username is the literal none for most clients", async () => {
    const text = latin1((await call({ service: "list_clients" })).body);
    const none = text.match(/<dashboard_username><!\[CDATA\[none\]\]><\/dashboard_username>/g)?.length ?? 0;
    const total = text.match(/<client>/g)?.length ?? 0;
    expect(none / total).toBeGreaterThan(0.5);
  });
});

describe("HTTP surface", () => {
  it("accepts POST and /api/default.php", async () => {
    const post = await rawRequest(apiUrl(sim.url, { apikey: KEY, service: "list_sites", clientid: SCENARIO.accentClient }), {
      method: "POST",
      headers: { "User-Agent": TEST_UA },
    });
    expect(latin1(post.body)).toContain("Zürich");
    const form = await rawRequest(`${sim.url}/api/`, {
      method: "POST",
      headers: { "User-Agent": TEST_UA, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ apikey: KEY, service: "list_sites", clientid: SCENARIO.accentClient }).toString(),
    });
    expect(latin1(form.body)).toContain("Zürich");
    const php = await rawRequest(apiUrl(sim.url, { apikey: KEY, service: "list_clients" }, "/api/default.php"), { headers: { "User-Agent": TEST_UA } });
    expect(php.status).toBe(200);
    expect(latin1(php.body)).toContain("Müller Bau GmbH");
  });

  it("answers 403 HTML, like Cloudflare's WAF, without a User-Agent", async () => {
    const variants: Record<string, string>[] = [{}, { "User-Agent": "" }];
    for (const headers of variants) {
      const res = await rawRequest(apiUrl(sim.url, { apikey: KEY, service: "list_clients" }), { headers });
      expect(res.status).toBe(403);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.body.toString("utf8")).toContain("Sorry, you have been blocked");
    }
  });

  it("answers 404 for other paths", async () => {
    const res = await rawRequest(`${sim.url}/other`, { headers: { "User-Agent": TEST_UA } });
    expect(res.status).toBe(404);
  });

  it("describes a service with describe=true", async () => {
    const res = await call({ service: "list_sites", describe: "true" });
    const root = readXml(latin1(res.body));
    const service = childElement(root, "service");
    expect(service && childElement(service, "name")?.text).toBe("list_sites");
    expect(service && childElement(service, "description")?.text).toBe("Lists all sites for a client.");
    const params = service ? childElements(childElement(service, "parameters") ?? service, "parameter") : [];
    expect(params.map((p) => childElement(p, "name")?.text)).toEqual(["describe", "clientid"]);
  });
});

describe("errors (HTTP 200, status FAIL)", () => {
  it("code 3 Login failed for a wrong or missing key, checked first", async () => {
    const variants: Record<string, string>[] = [{ apikey: "wrong", service: "list_clients" }, { service: "nope" }, { apikey: "", service: "list_sites" }];
    for (const params of variants) {
      const res = await apiGet(sim.url, params);
      expect(res.status).toBe(200);
      expect(errorOf(res)).toEqual({ status: "FAIL", code: "3", message: "Login failed" });
    }
  });

  it("Service unknown for unknown and write services, before parameters", async () => {
    for (const service of ["add_client", "list_checks", "LIST_CLIENTS", ""]) {
      expect(errorOf(await call({ service }))).toEqual({ status: "FAIL", code: "1", message: "Service unknown" });
    }
    expect(errorOf(await apiGet(sim.url, { apikey: KEY }))).toEqual({ status: "FAIL", code: "1", message: "Service unknown" });
  });

  it("code 5 for a missing (or misspelt) required parameter", async () => {
    expect(errorOf(await call({ service: "list_sites" }))).toEqual({ status: "FAIL", code: "5", message: "Missing parameter: clientid" });
    expect(errorOf(await call({ service: "list_servers" }))).toEqual({ status: "FAIL", code: "5", message: "Missing parameter: siteid" });
    expect(errorOf(await call({ service: "list_mob_sessions", devicei: "3000001" }))).toEqual({
      status: "FAIL",
      code: "5",
      message: "Missing parameter: deviceid",
    });
    expect(errorOf(await call({ service: "list_devices_at_client", devicetype: "server" }))).toEqual({
      status: "FAIL",
      code: "5",
      message: "Missing parameter: clientid",
    });
  });

  it("code 4 for a non-numeric or unknown id, or a bad devicetype", async () => {
    for (const deviceid of ["abc", "999", "3000001x", "-1", "99999999"]) {
      expect(errorOf(await call({ service: "list_mob_sessions", deviceid }))).toEqual({
        status: "FAIL",
        code: "4",
        message: "Invalid value for parameter: deviceid",
      });
    }
    expect(errorOf(await call({ service: "list_sites", clientid: "200001" })).code).toBe("4");
    expect(errorOf(await call({ service: "list_devices_at_client", clientid: "100001", devicetype: "Server" }))).toEqual({
      status: "FAIL",
      code: "4",
      message: "Invalid value for parameter: devicetype",
    });
  });

  it("uses the configured code for Service unknown", async () => {
    await sim.setFaults({ unknownServiceCode: 2 });
    try {
      expect(errorOf(await call({ service: "add_client" })).code).toBe("2");
    } finally {
      await sim.setFaults({ unknownServiceCode: 1 });
    }
  });
});

describe("determinism", () => {
  const services = (): Record<string, string>[] => [
    { service: "list_clients" },
    { service: "list_clients", devicetype: "workstation" },
    { service: "list_sites", clientid: "100001" },
    { service: "list_sites", clientid: "100010" },
    { service: "list_servers", siteid: "200001" },
    { service: "list_workstations", siteid: "200012" },
    { service: "list_devices_at_client", clientid: "100008", devicetype: "workstation" },
    { service: "list_devices_at_client", clientid: "100008", devicetype: "server" },
    { service: "list_mob_sessions", deviceid: SCENARIO.hourlySqlServer },
    { service: "list_mob_sessions", deviceid: "3000100" },
    { service: "list_mob_sessions", deviceid: "3000222" },
    { service: "list_sites", describe: "true" },
    { service: "list_mob_sessions", deviceid: "nope" },
  ];
  const host = { Host: "www.systemmonitor.us" };

  it("gives identical bytes for every service with the same seed and now", async () => {
    const other = await startSimulator({ port: 0, key: KEY, now: NOW, seed: 42 });
    try {
      for (const params of services()) {
        const a = await call(params, host);
        const b = await apiGet(other.url, { apikey: KEY, ...params }, host);
        expect(a.status).toBe(200);
        expect(a.body.equals(b.body), JSON.stringify(params)).toBe(true);
      }
    } finally {
      await other.close();
    }
  });

  it("differs with another seed", async () => {
    const other = await startSimulator({ port: 0, key: KEY, now: NOW, seed: 7 });
    try {
      const variants: Record<string, string>[] = [{ service: "list_clients" }, { service: "list_mob_sessions", deviceid: "3000004" }];
      for (const params of variants) {
        const a = await call(params, host);
        const b = await apiGet(other.url, { apikey: KEY, ...params }, host);
        expect(a.body.equals(b.body)).toBe(false);
      }
    } finally {
      await other.close();
    }
  });

  it("serves the 20,000-session device, the same bytes each time", async () => {
    const fresh = await startSimulator({ port: 0, key: KEY, now: "2026-06-01T00:00:00Z", seed: 4242 });
    try {
      const first = await apiGet(fresh.url, { apikey: KEY, service: "list_mob_sessions", deviceid: SCENARIO.hourlySqlServer });
      const second = await apiGet(fresh.url, { apikey: KEY, service: "list_mob_sessions", deviceid: SCENARIO.hourlySqlServer });
      expect(first.body.equals(second.body)).toBe(true);
      expect(latin1(first.body).split("<session>").length - 1).toBeGreaterThanOrEqual(20_000);
    } finally {
      await fresh.close();
    }
  });
});
