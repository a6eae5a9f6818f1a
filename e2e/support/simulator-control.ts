import type { DeviceReckoning } from "../../simulator/injections";
import type { InjectedSessionView } from "../../simulator/server";
import { SIM_CONTROL_URL } from "./env";
import { fetchWithin } from "./fetch-within";

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  service: string | null;
  params: Record<string, string>;
  userAgent: string | null;
  status: number | null;
}

export interface SimulatorStats {
  totalCalls: number;
  callsByService: Record<string, number>;
  maxCallsInAnyMinute: number;
  callsLastMinute: number;
  requests: RequestLogEntry[];
}

/** The simulator answers its control API at once; one that does not should fail the test by name, not run out its time. */
const CONTROL_TIMEOUT_MS = 30_000;

async function control<T>(base: string, method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const what = `simulator control ${method} ${base}${path}`;
  try {
    return await fetchWithin(
      `${base}${path}`,
      CONTROL_TIMEOUT_MS,
      async (response) => {
        if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
        return (await response.json()) as T;
      },
      { method, headers: body === undefined ? undefined : { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) },
    );
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") throw new Error(`${what}: no answer within ${CONTROL_TIMEOUT_MS} ms`);
    throw error;
  }
}

export type SimulatedDevice = DeviceReckoning;

export type InjectedSession = InjectedSessionView;

export interface SessionToInject {
  deviceId: string;
  status: "COMPLETED" | "COMPLETED_WITH_ERRORS" | "INTERRUPTED" | "FAILED" | "NOT_STARTED" | "CANCELED";
  plugin?: string;
  at?: string;
  transferredSize?: number;
  durationSeconds?: number;
}

export interface DeviceQuery {
  state?: SimulatedDevice["state"];
  steady?: boolean;
  clientId?: string;
  limit?: number;
}

/** The control API of a simulator: the suite's own, or one a spec started (startOwnSimulator's `control`). */
export function simulatorAt(base: string) {
  const self = {
    stats: () => control<SimulatorStats>(base, "GET", "/stats"),
    setFaults: (faults: Record<string, unknown>) => control<Record<string, unknown>>(base, "POST", "/faults", faults),
    setOutage: (on: boolean) => control<unknown>(base, "POST", "/outage", { on }),
    reset: () => control<unknown>(base, "POST", "/reset"),
    /** Records a backup session for the device, ending now unless `at` gives its start. */
    injectSession: (session: SessionToInject) => control<InjectedSession>(base, "POST", "/sessions", session),
    async devices(query: DeviceQuery = {}): Promise<SimulatedDevice[]> {
      const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
      return (await control<{ devices: SimulatedDevice[] }>(base, "GET", `/devices?${params}`)).devices;
    },
    async requestsSince(since: string, service?: string): Promise<RequestLogEntry[]> {
      const { requests } = await self.stats();
      return requests.filter((r) => r.at >= since && (!service || r.service === service));
    },
  };
  return self;
}

export const simulator = simulatorAt(SIM_CONTROL_URL);
