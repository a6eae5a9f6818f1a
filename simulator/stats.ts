export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  service: string | null;
  params: Record<string, string>;
  userAgent: string | null;
  /** null while unanswered: a stalled request never gets one. */
  status: number | null;
}

export interface SimulatorStats {
  totalCalls: number;
  callsByService: Record<string, number>;
  maxCallsInAnyMinute: number;
  callsLastMinute: number;
  requests: RequestLogEntry[];
}

const WINDOW_MS = 60_000;
const LOG_SIZE = 2000;
const NO_SERVICE = "(none)";

export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs = WINDOW_MS) {}

  private trim(now: number): void {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.windowMs) this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  count(now: number): number {
    this.trim(now);
    return this.times.length - this.head;
  }

  push(now: number): number {
    this.times.push(now);
    return this.count(now);
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }
}

export class RequestStats {
  private totalCalls = 0;
  private byService = new Map<string, number>();
  private window = new SlidingWindow();
  private maxInMinute = 0;
  private log: RequestLogEntry[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a request as it arrives; the caller fills in `status` when it answers. */
  record(entry: Omit<RequestLogEntry, "at" | "status" | "params"> & { params: Iterable<[string, string]> }): RequestLogEntry {
    const t = this.now();
    this.totalCalls++;
    const key = entry.service ?? NO_SERVICE;
    this.byService.set(key, (this.byService.get(key) ?? 0) + 1);
    this.maxInMinute = Math.max(this.maxInMinute, this.window.push(t));
    const params: Record<string, string> = {};
    for (const [name, value] of entry.params) params[name] = name === "apikey" ? "[redacted]" : value;
    const logged: RequestLogEntry = {
      at: new Date(t).toISOString(),
      method: entry.method,
      path: entry.path,
      service: entry.service,
      params,
      userAgent: entry.userAgent,
      status: null,
    };
    this.log.push(logged);
    if (this.log.length > LOG_SIZE * 1.5) this.log = this.log.slice(-LOG_SIZE);
    return logged;
  }

  snapshot(): SimulatorStats {
    return {
      totalCalls: this.totalCalls,
      callsByService: Object.fromEntries(this.byService),
      maxCallsInAnyMinute: this.maxInMinute,
      callsLastMinute: this.window.count(this.now()),
      requests: this.log.slice(-LOG_SIZE).map((e) => ({ ...e, params: { ...e.params } })),
    };
  }

  reset(): void {
    this.totalCalls = 0;
    this.byService.clear();
    this.window.clear();
    this.maxInMinute = 0;
    this.log = [];
  }
}
