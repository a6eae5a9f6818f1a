/** N-sight's API port with its WAF, throttling and fault knobs, and an optional JSON control API on a second port. */
import { randomBytes } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  FAULT_BEHAVIOURS,
  INTERNAL_ERROR_PAGE,
  NOT_FOUND_PAGE,
  RATE_LIMITED_PAGE,
  errorPage,
  mismatchTags,
  rayId,
  truncateAtRandom,
  wafBlockPage,
  type FaultContext,
} from "./faults";
import { generateFleet, type Fleet } from "./fleet";
import { HOSTILE_BEHAVIOURS } from "./hostile";
import { parseInjection, reckonDevice, type DeviceReckoning, type SimulatedState } from "./injections";
import { OptionError, START_ONLY_KNOBS, coerceKnobs, resolveOptions, type SimulatorOptions } from "./options";
import { hash32, mulberry32 } from "./prng";
import { SCENARIO, SCENARIO_PLACES } from "./scenarios";
import { NsightApi, type ApiAnswer } from "./services";
import { RequestStats, SlidingWindow, type SimulatorStats } from "./stats";
import { isoWithOffset } from "./time";
import { XML_DECLARATION, encodeLatin1, resultOpenTag } from "./xml";

export type { SimulatorOptions } from "./options";
export type { SimulatorStats, RequestLogEntry } from "./stats";
export type { DeviceReckoning, SimulatedState } from "./injections";
export { DEFAULT_OPTIONS } from "./options";

export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly controlUrl: string | null;
  readonly controlPort: number | null;
  readonly options: SimulatorOptions;
  readonly fleet: Fleet;
  stats(): SimulatorStats;
  /** Resolves once port, host and outage changes took effect. */
  setFaults(partial: Partial<SimulatorOptions>): Promise<SimulatorOptions>;
  setOutage(on: boolean): Promise<void>;
  /** Appends a backup session to a device's history, as N-sight would record it (body of POST /sessions). */
  injectSession(input: Record<string, unknown>): InjectedSessionView;
  /** Devices with the simulator's own reading of their state (GET /devices). */
  devices(filter?: DeviceFilter): DeviceReckoning[];
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface DeviceFilter {
  state?: SimulatedState;
  clientId?: string;
  steady?: boolean;
  limit?: number;
}

export interface InjectedSessionView {
  deviceId: string;
  sessionId: string;
  plugin: string;
  status: string;
  start: string;
  end: string;
  transferredSize: number;
}

const SIMULATED_STATES: readonly SimulatedState[] = ["ok", "warning", "overdue", "failed", "off", "unreadable"];
const MAX_DEVICES_LISTED = 1000;

const API_PATHS = new Set(["/api/", "/api/default.php"]);
const XML_TYPE = "application/xml; charset=ISO-8859-1";
const HTML_TYPE = "text/html; charset=UTF-8";
const MAX_BODY_BYTES = 1024 * 1024;

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

function shutDown(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      server.closeAllConnections();
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function baseUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

function sendPage(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(html, "utf8");
  res.writeHead(status, { ...headers, "Content-Type": HTML_TYPE, "Content-Length": body.byteLength });
  res.end(body);
}

function sendXml(res: ServerResponse, body: Buffer | readonly Buffer[]): void {
  if (res.headersSent || res.destroyed) return;
  const parts = Buffer.isBuffer(body) ? [body] : body;
  res.writeHead(200, { "Content-Type": XML_TYPE, "Content-Length": parts.reduce((n, p) => n + p.byteLength, 0) });
  for (const part of parts) res.write(part);
  res.end();
}

async function streamXml(res: ServerResponse, parts: readonly Buffer[], signal: AbortSignal): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, { "Content-Type": XML_TYPE, "Content-Length": parts.reduce((n, p) => n + p.byteLength, 0) });
  for (const part of parts) {
    if (signal.aborted || res.destroyed) return;
    if (res.write(part)) continue;
    const drained = await new Promise<boolean>((resolve) => {
      const onDrain = () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      };
      const onAbort = () => {
        res.off("drain", onDrain);
        resolve(false);
      };
      res.once("drain", onDrain);
      signal.addEventListener("abort", onAbort, { once: true });
    });
    if (!drained) return;
  }
  res.end();
}

/** Cloudflare's headers and cookie on every answer, so tests can check the app never passes upstream headers on. */
function setFrontEndHeaders(res: ServerResponse): void {
  const cookie = `${randomBytes(32).toString("base64url")}-${Math.floor(Date.now() / 1000)}-1.0.1.1-${randomBytes(48).toString("base64url")}`;
  res.setHeader("Server", "cloudflare");
  res.setHeader("Set-Cookie", `__cf_bm=${cookie}; path=/; HttpOnly; Secure; SameSite=None`);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(JSON.stringify(value), "utf8");
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": body.byteLength, "Cache-Control": "no-store" });
  res.end(body);
}

class SimulatorServer implements Simulator {
  private current: SimulatorOptions;
  private currentFleet: Fleet;
  private readonly initialFleet: Fleet;
  private readonly api: NsightApi;
  private readonly requestStats = new RequestStats();
  private readonly throttleWindow = new SlidingWindow();
  private random: () => number;
  private readonly apiServer: http.Server;
  private controlServer: http.Server | null = null;
  private boundPort = 0;
  private boundControlPort: number | null = null;
  private controlHost = "";
  private transitions: Promise<void> = Promise.resolve();
  private closed = false;

  private start: SimulatorOptions;

  constructor(start: SimulatorOptions) {
    this.start = { ...start };
    this.current = { ...start };
    this.random = mulberry32(hash32(start.seed, "faults"));
    this.initialFleet = generateFleet({ seed: start.seed, devices: start.devices, now: new Date(this.clock()) });
    this.currentFleet = this.initialFleet;
    this.api = new NsightApi(this.currentFleet, () => this.clock(), () => ({
      timezone: this.current.timezone,
      unknownServiceCode: this.current.unknownServiceCode,
    }));
    this.apiServer = http.createServer((req, res) => {
      this.handleApi(req, res).catch((error: unknown) => this.internalError(res, error));
    });
    this.apiServer.on("clientError", (_error, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      else socket.destroy();
    });
  }

  private clock(): number {
    return this.current.now === null ? Date.now() : Date.parse(this.current.now);
  }

  async listen(): Promise<void> {
    this.boundPort = await listen(this.apiServer, this.current.port, this.current.host);
    // From here on the options report the real port, so writing them back changes nothing.
    this.start = { ...this.start, port: this.boundPort };
    this.current = { ...this.current, port: this.boundPort };
    // An outage from the start still reserves the port number, so it can reopen there.
    if (this.current.outage) await shutDown(this.apiServer);
    if (this.current.controlPort !== null) {
      const server = http.createServer((req, res) => {
        this.handleControl(req, res).catch((error: unknown) => {
          const status = error instanceof OptionError || error instanceof SyntaxError ? 400 : 500;
          sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
        });
      });
      this.controlServer = server;
      this.controlHost = this.current.host;
      this.boundControlPort = await listen(server, this.current.controlPort, this.controlHost);
    }
  }

  get url(): string {
    return baseUrl(this.current.host, this.boundPort);
  }

  get port(): number {
    return this.boundPort;
  }

  get controlUrl(): string | null {
    return this.boundControlPort === null ? null : baseUrl(this.controlHost, this.boundControlPort);
  }

  get controlPort(): number | null {
    return this.boundControlPort;
  }

  get options(): SimulatorOptions {
    return { ...this.current };
  }

  get fleet(): Fleet {
    return this.currentFleet;
  }

  stats(): SimulatorStats {
    return this.requestStats.snapshot();
  }

  async setFaults(partial: Partial<SimulatorOptions>): Promise<SimulatorOptions> {
    const changes = coerceKnobs(partial as Record<string, unknown>);
    for (const name of Object.keys(changes)) {
      if (START_ONLY_KNOBS.has(name as keyof SimulatorOptions)) throw new OptionError(`${name} can only be set at start`);
    }
    const { outage, port, host, ...immediate } = changes;
    const before = this.current;
    this.current = { ...before, ...immediate };
    if (this.current.seed !== before.seed || this.current.devices !== before.devices) this.regenerateFleet();
    if (this.current.seed !== before.seed) this.random = mulberry32(hash32(this.current.seed, "faults"));
    // Port 0 always moves the API to a new free port.
    if ((port !== undefined && port !== this.boundPort) || (host !== undefined && host !== before.host)) {
      await this.rebind(port ?? this.boundPort, host ?? before.host);
    }
    if (outage !== undefined) await this.setOutage(outage);
    return this.options;
  }

  setOutage(on: boolean): Promise<void> {
    return this.serially(async () => {
      this.current = { ...this.current, outage: on };
      if (this.closed) return;
      if (on && this.apiServer.listening) await shutDown(this.apiServer);
      else if (!on && !this.apiServer.listening) this.boundPort = await listen(this.apiServer, this.boundPort, this.current.host);
    });
  }

  injectSession(input: Record<string, unknown>): InjectedSessionView {
    const injection = parseInjection(input);
    const device = this.currentFleet.deviceById.get(String(Number(injection.deviceId)));
    if (!device) throw new OptionError(`No device ${injection.deviceId}`);
    const s = this.api.injected.add(device, injection, this.clock());
    const iso = (ms: number) => new Date(ms).toISOString();
    return { deviceId: device.id, sessionId: s.sessionId, plugin: s.plugin, status: s.status, start: iso(s.startMs), end: iso(s.endMs), transferredSize: s.transferredSize };
  }

  devices(filter: DeviceFilter = {}): DeviceReckoning[] {
    const now = this.clock();
    const limit = Math.min(filter.limit ?? MAX_DEVICES_LISTED, MAX_DEVICES_LISTED);
    const out: DeviceReckoning[] = [];
    for (const device of this.currentFleet.devices) {
      if (out.length >= limit) break;
      if (filter.clientId !== undefined && device.clientId !== filter.clientId) continue;
      const reckoning = reckonDevice(device, this.api.injected.sessionsOf(device, now), now);
      if (filter.state !== undefined && reckoning.state !== filter.state) continue;
      if (filter.steady !== undefined && reckoning.steady !== filter.steady) continue;
      out.push(reckoning);
    }
    return out;
  }

  async reset(): Promise<void> {
    this.api.injected.clear();
    this.requestStats.reset();
    this.throttleWindow.clear();
    this.random = mulberry32(hash32(this.start.seed, "faults"));
    const { outage } = this.start;
    const fleetChanged = this.currentFleet !== this.initialFleet;
    const before = this.current;
    this.current = { ...this.start, outage: before.outage };
    if (fleetChanged) {
      this.currentFleet = this.initialFleet;
      this.api.setFleet(this.initialFleet);
    }
    if (before.host !== this.start.host || this.boundPort !== this.start.port) await this.rebind(this.start.port, this.start.host);
    await this.setOutage(outage);
  }

  close(): Promise<void> {
    return this.serially(async () => {
      if (this.closed) return;
      this.closed = true;
      await shutDown(this.apiServer);
      if (this.controlServer) await shutDown(this.controlServer);
    });
  }

  private serially(task: () => Promise<void>): Promise<void> {
    const run = this.transitions.then(task);
    this.transitions = run.catch(() => undefined);
    return run;
  }

  private regenerateFleet(): void {
    const fleet = generateFleet({ seed: this.current.seed, devices: this.current.devices, now: new Date(this.clock()) });
    this.currentFleet = fleet;
    this.api.setFleet(fleet);
  }

  private rebind(port: number, host: string): Promise<void> {
    return this.serially(async () => {
      this.current = { ...this.current, port, host };
      if (this.closed) return;
      if (this.current.outage && port !== 0) {
        // Stays closed; reopens on this port when the outage ends.
        this.boundPort = port;
        return;
      }
      await shutDown(this.apiServer);
      this.boundPort = await listen(this.apiServer, port, host);
      this.current = { ...this.current, port: this.boundPort };
      if (this.current.outage) await shutDown(this.apiServer);
    });
  }

  private internalError(res: ServerResponse, error: unknown): void {
    process.stderr.write(`${JSON.stringify({ event: "simulator_error", message: error instanceof Error ? error.message : String(error) })}\n`);
    if (!res.headersSent && !res.destroyed) sendPage(res, 500, INTERNAL_ERROR_PAGE);
    else res.destroy();
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    setFrontEndHeaders(res);
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const method = req.method ?? "GET";
    let bodyPairs: [string, string][] = [];
    if (method === "POST") {
      const body = await readBody(req);
      // N-sight reads PHP's $_REQUEST: a form body counts like the query string.
      if (/application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "")) {
        bodyPairs = [...new URLSearchParams(body.toString("latin1"))];
      }
    }
    // PHP keeps the last of repeated parameters.
    const params = new Map<string, string>([...url.searchParams, ...bodyPairs]);
    const userAgent = req.headers["user-agent"] ?? null;
    const entry = this.requestStats.record({ method, path: url.pathname, service: params.get("service") ?? null, params, userAgent });
    res.on("finish", () => {
      entry.status = res.statusCode;
    });

    // Cloudflare's WAF answers before the request reaches N-sight (docs/nsight-api.md §2, §6.2).
    if (!userAgent || userAgent.trim() === "") {
      const ray = rayId(this.random);
      sendPage(res, 403, wafBlockPage(ray), { Server: "cloudflare", "CF-RAY": ray });
      return;
    }
    if (!API_PATHS.has(url.pathname)) {
      sendPage(res, 404, NOT_FOUND_PAGE);
      return;
    }
    if (method !== "GET" && method !== "POST") {
      sendPage(res, 405, NOT_FOUND_PAGE.replaceAll("404 Not Found", "405 Method Not Allowed"), { Allow: "GET, POST" });
      return;
    }

    const knobs = this.current;
    // Drawn only when switched on, so the other knobs' random sequence stays as it was.
    if (knobs.resetRate > 0 && this.random() < knobs.resetRate) {
      req.socket.resetAndDestroy();
      return;
    }
    if (knobs.hangRate > 0 && this.random() < knobs.hangRate) {
      await untilAborted(gone.signal);
      return;
    }

    const now = Date.now();
    const throttled = (knobs.throttlePerMinute > 0 && this.throttleWindow.count(now) >= knobs.throttlePerMinute) || this.random() < knobs.throttleRate;
    if (throttled) {
      sendPage(res, 429, RATE_LIMITED_PAGE, { "Retry-After": String(knobs.retryAfterSeconds), Server: "cloudflare" });
      return;
    }
    this.throttleWindow.push(now);

    if (knobs.latencyMs > 0 && !(await sleep(knobs.latencyMs * (1 + 0.2 * this.random()), gone.signal))) return;

    const host = req.headers.host ?? `${this.current.host}:${this.boundPort}`;
    if (this.random() < knobs.errorRate) {
      if (this.random() < 0.5) sendPage(res, knobs.errorStatus, errorPage(knobs.errorStatus));
      else sendXml(res, this.resultDocument(host, "FAIL", "<error><message>An internal error occurred</message></error>"));
      return;
    }

    const answer = this.api.call(params, host, knobs.key);
    if (answer.fault) {
      await FAULT_BEHAVIOURS[answer.fault](this.faultContext(res, answer, host, gone.signal));
      return;
    }
    if (answer.hostile) {
      await HOSTILE_BEHAVIOURS[answer.hostile](this.faultContext(res, answer, host, gone.signal));
      return;
    }
    let body: Buffer | readonly Buffer[] = answer.parts;
    if (this.random() < knobs.malformedRate) body = mismatchTags(answer.body, this.random);
    if (this.random() < knobs.truncateRate) body = truncateAtRandom(Buffer.isBuffer(body) ? body : answer.body, this.random);
    sendXml(res, body);
  }

  private resultDocument(host: string, status: "OK" | "FAIL", inner: string): Buffer {
    const created = isoWithOffset(this.clock(), this.current.timezone);
    return encodeLatin1(`${XML_DECLARATION}${resultOpenTag(created, host, status)}${inner}</result>`);
  }

  private faultContext(res: ServerResponse, answer: ApiAnswer, host: string, signal: AbortSignal): FaultContext {
    return {
      answer,
      sendXml: (body) => sendXml(res, body),
      streamXml: (parts) => streamXml(res, parts, signal),
      sendPage: (status, html, headers) => sendPage(res, status, html, headers),
      resultDocument: (status, inner) => this.resultDocument(host, status, inner),
      sleep: (ms) => sleep(ms, signal),
      clientGone: () => untilAborted(signal),
      random: this.random,
      retryAfterSeconds: this.current.retryAfterSeconds,
    };
  }

  private async handleControl(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const route = `${req.method ?? "GET"} ${url.pathname.replace(/\/+$/, "") || "/"}`;
    const json = async (): Promise<Record<string, unknown>> => {
      const text = (await readBody(req)).toString("utf8");
      const value: unknown = text.trim() === "" ? {} : JSON.parse(text);
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new OptionError("Body must be a JSON object");
      return value as Record<string, unknown>;
    };
    switch (route) {
      case "GET /stats":
        return sendJson(res, 200, this.stats());
      case "GET /faults":
        return sendJson(res, 200, this.options);
      case "POST /faults":
        return sendJson(res, 200, await this.setFaults((await json()) as Partial<SimulatorOptions>));
      case "POST /outage": {
        const body = await json();
        if (typeof body.on !== "boolean") throw new OptionError('Body must be {"on": true|false}');
        await this.setOutage(body.on);
        return sendJson(res, 200, { outage: body.on, options: this.options });
      }
      case "POST /reset":
        await this.reset();
        return sendJson(res, 200, this.options);
      case "POST /sessions":
        return sendJson(res, 201, this.injectSession(await json()));
      case "GET /devices":
        return sendJson(res, 200, { devices: this.devices(deviceFilter(url.searchParams)) });
      case "GET /scenario":
        return sendJson(res, 200, { scenario: SCENARIO, places: SCENARIO_PLACES });
      case "GET /health":
        return sendJson(res, 200, { ok: true, outage: this.current.outage, devices: this.currentFleet.devices.length });
      default:
        return sendJson(res, 404, { error: `No route ${route}` });
    }
  }
}

function deviceFilter(params: URLSearchParams): DeviceFilter {
  const filter: DeviceFilter = {};
  for (const name of params.keys()) if (!["state", "clientId", "steady", "limit"].includes(name)) throw new OptionError(`Unknown parameter: ${name}`);
  const state = params.get("state");
  if (state !== null) {
    if (!(SIMULATED_STATES as readonly string[]).includes(state)) throw new OptionError(`state must be one of ${SIMULATED_STATES.join(", ")}`);
    filter.state = state as SimulatedState;
  }
  const clientId = params.get("clientId");
  if (clientId !== null) {
    if (!/^\d{1,15}$/.test(clientId)) throw new OptionError("clientId must be a client id");
    filter.clientId = String(Number(clientId));
  }
  const steady = params.get("steady");
  if (steady !== null) {
    if (steady !== "true" && steady !== "false") throw new OptionError("steady must be true or false");
    filter.steady = steady === "true";
  }
  const limit = params.get("limit");
  if (limit !== null) {
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_DEVICES_LISTED) throw new OptionError(`limit must be from 1 to ${MAX_DEVICES_LISTED}`);
    filter.limit = Number(limit);
  }
  return filter;
}

export async function startSimulator(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const server = new SimulatorServer(resolveOptions(options));
  try {
    await server.listen();
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
  return server;
}
