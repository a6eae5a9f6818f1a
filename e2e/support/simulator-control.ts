import { SIM_CONTROL_URL } from "./env";

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

async function control<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${SIM_CONTROL_URL}${path}`, {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`simulator control ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export const simulator = {
  stats: () => control<SimulatorStats>("GET", "/stats"),
  setFaults: (faults: Record<string, unknown>) => control<Record<string, unknown>>("POST", "/faults", faults),
  setOutage: (on: boolean) => control<unknown>("POST", "/outage", { on }),
  reset: () => control<unknown>("POST", "/reset"),
  async requestsSince(since: string, service?: string): Promise<RequestLogEntry[]> {
    const { requests } = await simulator.stats();
    return requests.filter((r) => r.at >= since && (!service || r.service === service));
  },
};
