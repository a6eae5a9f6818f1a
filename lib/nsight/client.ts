import "server-only";
import { isNsightId } from "../ids";
import type { BackupSession, Client, ClientDevice, DeviceType, Site, SiteDevice } from "../types";
import type { CallGate, CallPriority } from "./budget";
import { isNsightError, NsightError } from "./errors";
import { mapClientDevices, mapClients, mapSiteDevices, mapSites } from "./records";
import { SessionAnswerReader } from "./session-answer";
import { parseAnswer, readNsightAnswer, type AnswerReader, type ReadService, type TransportOptions } from "./transport";
import type { XmlElement } from "./xml";

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface BreakerPolicy {
  minCalls: number;
  /** Failing resources (service + parameters) needed: one broken device is not an outage. */
  minFailingResources: number;
  failureRatio: number;
  windowMs: number;
  openMs: number;
}

export interface CallOptions {
  priority?: CallPriority;
  /** Who the call is for (a principal's identity): each may spend only its share of the budget. */
  asker?: string;
  /** Drops a call still queued and any retry; a call already sent finishes and is cached. */
  signal?: AbortSignal;
}

export interface CallEvent {
  service: ReadService;
  params: Record<string, string>;
  attempt: number;
  outcome: "ok" | NsightError["kind"];
  ms: number;
  bytes?: number;
  diagnostic?: string;
}

export interface NsightClientOptions {
  transport: TransportOptions;
  budget: CallGate;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerPolicy>;
  /** Never sees the key. */
  onCall?: (event: CallEvent) => void;
  onDrop?: (service: string, reason: string) => void;
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 2, baseDelayMs: 1_000, maxDelayMs: 30_000 };
const DEFAULT_BREAKER: BreakerPolicy = { minCalls: 8, minFailingResources: 3, failureRatio: 0.5, windowMs: 60_000, openMs: 30_000 };
const DEFAULT_THROTTLE_PAUSE_MS = 30_000;

/** Outage-like failures only: one device answering HTTP 500 must not cut every viewer off N-sight. */
export function isOutageSign(error: NsightError): boolean {
  if (error.kind === "timeout") return true;
  if (error.kind !== "unavailable") return false;
  return error.httpStatus === undefined || error.httpStatus === 502 || error.httpStatus === 503 || error.httpStatus === 504;
}

export { isNsightId };

function assertId(value: string, name: string): void {
  if (!isNsightId(value)) throw new NsightError("bad_request", `Invalid ${name}.`);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

export class NsightClient {
  private readonly retry: RetryPolicy;
  private readonly breaker: BreakerPolicy;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private outcomes: [number, boolean, string][] = [];
  private openUntil = 0;

  constructor(private readonly options: NsightClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.breaker = { ...DEFAULT_BREAKER, ...options.breaker };
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async listClients(call?: CallOptions): Promise<Client[]> {
    return this.call("list_clients", {}, call, (result) => mapClients(result, this.options.onDrop));
  }

  async listSites(clientId: string, call?: CallOptions): Promise<Site[]> {
    assertId(clientId, "client id");
    return this.call("list_sites", { clientid: clientId }, call, (result) => mapSites(result, clientId, this.options.onDrop));
  }

  async listServers(siteId: string, call?: CallOptions): Promise<SiteDevice[]> {
    assertId(siteId, "site id");
    return this.call("list_servers", { siteid: siteId }, call, (result) => mapSiteDevices(result, siteId, "server", this.options.onDrop));
  }

  async listWorkstations(siteId: string, call?: CallOptions): Promise<SiteDevice[]> {
    assertId(siteId, "site id");
    return this.call("list_workstations", { siteid: siteId }, call, (result) => mapSiteDevices(result, siteId, "workstation", this.options.onDrop));
  }

  async listDevicesAtClient(clientId: string, type: DeviceType, call?: CallOptions): Promise<ClientDevice[]> {
    assertId(clientId, "client id");
    return this.call("list_devices_at_client", { clientid: clientId, devicetype: type }, call, (result) =>
      mapClientDevices(result, clientId, type, this.options.onDrop),
    );
  }

  /** Read while it arrives: tens of thousands of sessions must not hold the event loop (docs/nsight-api.md §7.5). */
  async listMobSessions(deviceId: string, call?: CallOptions): Promise<BackupSession[]> {
    assertId(deviceId, "device id");
    const service = "list_mob_sessions";
    return this.callText(service, { deviceid: deviceId }, call, () => new SessionAnswerReader(service, this.options.onDrop));
  }

  breakerState(): { open: boolean; until: number | null } {
    const open = this.openUntil > this.now();
    return { open, until: open ? this.openUntil : null };
  }

  private call<T>(service: ReadService, params: Record<string, string>, call: CallOptions | undefined, map: (result: XmlElement) => T): Promise<T> {
    return this.callText(service, params, call, () => {
      const pieces: string[] = [];
      return { write: (text) => pieces.push(text), end: () => map(parseAnswer(pieces.join(""), service)) };
    });
  }

  private async callText<T>(service: ReadService, params: Record<string, string>, call: CallOptions = {}, read: () => AnswerReader<T>): Promise<T> {
    let lastError: NsightError | undefined;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      if (this.openUntil > this.now()) {
        throw (
          lastError ??
          new NsightError("unavailable", "N-sight has been failing; holding calls back for a moment.", {
            service,
            retryAfterMs: this.openUntil - this.now(),
          })
        );
      }
      try {
        return await this.options.budget.run(() => this.attempt(service, params, attempt, read), call.priority, call.signal, call.asker);
      } catch (error) {
        if (!isNsightError(error)) throw error;
        lastError = error;
        if (error.kind === "throttled") this.options.budget.pause(error.retryAfterMs ?? DEFAULT_THROTTLE_PAUSE_MS);
        if (!error.retryable || attempt === this.retry.maxAttempts || error.kind === "throttled") throw error;
        // Full jitter: spreads retries of many callers instead of synchronising them.
        const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        await this.sleep(Math.floor(this.random() * ceiling), call.signal);
      }
    }
    throw lastError ?? new NsightError("unavailable", "N-sight could not be reached.", { service });
  }

  private async attempt<T>(service: ReadService, params: Record<string, string>, attempt: number, read: () => AnswerReader<T>): Promise<T> {
    const started = this.now();
    try {
      const answer = await readNsightAnswer(this.options.transport, service, params, read());
      this.record(false, service, params);
      this.options.onCall?.({ service, params, attempt, outcome: "ok", ms: this.now() - started, bytes: answer.bytes });
      return answer.value;
    } catch (error) {
      if (isNsightError(error)) {
        this.record(isOutageSign(error), service, params);
        this.options.onCall?.({
          service,
          params,
          attempt,
          outcome: error.kind,
          ms: this.now() - started,
          diagnostic: error.diagnostic,
        });
      }
      throw error;
    }
  }

  private record(failed: boolean, service: ReadService, params: Record<string, string>): void {
    const now = this.now();
    this.outcomes.push([now, failed, `${service}?${new URLSearchParams(params).toString()}`]);
    this.outcomes = this.outcomes.filter(([at]) => at > now - this.breaker.windowMs);
    if (!failed) {
      this.openUntil = 0;
      return;
    }
    const failing = this.outcomes.filter(([, f]) => f);
    const resources = new Set(failing.map(([, , key]) => key)).size;
    if (
      this.outcomes.length >= this.breaker.minCalls &&
      failing.length / this.outcomes.length >= this.breaker.failureRatio &&
      resources >= this.breaker.minFailingResources
    ) {
      this.openUntil = now + this.breaker.openMs;
      this.outcomes = [];
    }
  }
}
