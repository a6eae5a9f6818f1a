import type { BackupSession, Client, ClientDevice, DeviceType, Site, SiteDevice } from "../types";
import type { CallBudget, CallPriority } from "./budget";
import { NsightError } from "./errors";
import { mapClientDevices, mapClients, mapSessions, mapSiteDevices, mapSites } from "./records";
import { requestNsight, type ReadService, type TransportOptions } from "./transport";
import type { XmlElement } from "./xml";

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface BreakerPolicy {
  /** Calls in the window before the failure ratio counts. */
  minCalls: number;
  /** Failure ratio (0..1) that opens the breaker. */
  failureRatio: number;
  windowMs: number;
  /** How long the breaker stays open before one trial call. */
  openMs: number;
}

export interface CallOptions {
  priority?: CallPriority;
  signal?: AbortSignal;
}

export interface CallEvent {
  service: ReadService;
  /** The non-secret parameters (ids). */
  params: Record<string, string>;
  attempt: number;
  outcome: "ok" | NsightError["kind"];
  ms: number;
  bytes?: number;
  diagnostic?: string;
}

export interface NsightClientOptions {
  transport: TransportOptions;
  budget: CallBudget;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerPolicy>;
  /** Called after every upstream attempt: for logs and metrics. Never sees the key. */
  onCall?: (event: CallEvent) => void;
  onDrop?: (service: string, reason: string) => void;
  random?: () => number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 2, baseDelayMs: 1_000, maxDelayMs: 30_000 };
const DEFAULT_BREAKER: BreakerPolicy = { minCalls: 8, failureRatio: 0.5, windowMs: 60_000, openMs: 30_000 };
/** How long everyone holds back after a 429 that named no Retry-After. */
const DEFAULT_THROTTLE_PAUSE_MS = 30_000;

const ID = /^[1-9][0-9]{0,17}$/;

/**
 * Failures that say "N-sight is down" rather than "this one answer was bad": no HTTP answer
 * at all (refused, reset, unreachable), a timeout, or a 502/503/504 from its front end.
 * One broken device answering HTTP 500 must not cut every viewer off N-sight.
 */
function isOutageSign(error: NsightError): boolean {
  if (error.kind === "timeout") return true;
  if (error.kind !== "unavailable") return false;
  return error.httpStatus === undefined || error.httpStatus === 502 || error.httpStatus === 503 || error.httpStatus === 504;
}

/** N-sight ids are positive decimal integers; anything else never leaves this server. */
export function isNsightId(value: string): boolean {
  return ID.test(value);
}

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

/**
 * The typed N-sight client: every call goes through the shared budget, is retried with
 * full-jitter backoff when the failure is transient, and stops early while a circuit
 * breaker says N-sight is down. Returns app DTOs; throws NsightError.
 */
export class NsightClient {
  private readonly retry: RetryPolicy;
  private readonly breaker: BreakerPolicy;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Outcomes of recent attempts, for the breaker: [time, failed]. */
  private outcomes: [number, boolean][] = [];
  private openUntil = 0;

  constructor(private readonly options: NsightClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.breaker = { ...DEFAULT_BREAKER, ...options.breaker };
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async listClients(call?: CallOptions): Promise<Client[]> {
    return mapClients(await this.call("list_clients", {}, call), this.options.onDrop);
  }

  async listSites(clientId: string, call?: CallOptions): Promise<Site[]> {
    assertId(clientId, "client id");
    return mapSites(await this.call("list_sites", { clientid: clientId }, call), clientId, this.options.onDrop);
  }

  async listServers(siteId: string, call?: CallOptions): Promise<SiteDevice[]> {
    assertId(siteId, "site id");
    return mapSiteDevices(await this.call("list_servers", { siteid: siteId }, call), siteId, "server", this.options.onDrop);
  }

  async listWorkstations(siteId: string, call?: CallOptions): Promise<SiteDevice[]> {
    assertId(siteId, "site id");
    const result = await this.call("list_workstations", { siteid: siteId }, call);
    return mapSiteDevices(result, siteId, "workstation", this.options.onDrop);
  }

  async listDevicesAtClient(clientId: string, type: DeviceType, call?: CallOptions): Promise<ClientDevice[]> {
    assertId(clientId, "client id");
    const result = await this.call("list_devices_at_client", { clientid: clientId, devicetype: type }, call);
    return mapClientDevices(result, clientId, type, this.options.onDrop);
  }

  async listMobSessions(deviceId: string, call?: CallOptions): Promise<BackupSession[]> {
    assertId(deviceId, "device id");
    return mapSessions(await this.call("list_mob_sessions", { deviceid: deviceId }, call), this.options.onDrop);
  }

  /** Whether the breaker currently holds calls back, and until when. */
  breakerState(): { open: boolean; until: number | null } {
    const open = this.openUntil > this.now();
    return { open, until: open ? this.openUntil : null };
  }

  private async call(service: ReadService, params: Record<string, string>, call: CallOptions = {}): Promise<XmlElement> {
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
        return await this.options.budget.run(() => this.attempt(service, params, attempt, call.signal), call.priority, call.signal);
      } catch (error) {
        if (!(error instanceof NsightError)) throw error;
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

  private async attempt(service: ReadService, params: Record<string, string>, attempt: number, signal?: AbortSignal): Promise<XmlElement> {
    const started = this.now();
    try {
      const answer = await requestNsight(this.options.transport, service, params, signal);
      this.record(false);
      this.options.onCall?.({ service, params, attempt, outcome: "ok", ms: this.now() - started, bytes: answer.bytes });
      return answer.result;
    } catch (error) {
      if (error instanceof NsightError) {
        this.record(isOutageSign(error));
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

  private record(failed: boolean): void {
    const now = this.now();
    this.outcomes.push([now, failed]);
    this.outcomes = this.outcomes.filter(([at]) => at > now - this.breaker.windowMs);
    if (!failed) {
      this.openUntil = 0;
      return;
    }
    const failures = this.outcomes.filter(([, f]) => f).length;
    if (this.outcomes.length >= this.breaker.minCalls && failures / this.outcomes.length >= this.breaker.failureRatio) {
      this.openUntil = now + this.breaker.openMs;
      // Start the next window afresh so one trial call decides.
      this.outcomes = [];
    }
  }
}
