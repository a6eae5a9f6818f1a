/**
 * Three production instances of the one build on one simulator, sharing a real redis-server and a real
 * PostgreSQL, as docs/deployment.md deploys them. Every process is ended by its id, even when a test fails.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { startTestPostgres, type TestPostgres } from "../../lib/testing/postgres-server";
import { startTestRedis, type TestRedis } from "../../lib/testing/redis-server";
import { APP_PORT, E2E_API_KEY, e2eAppEnv } from "./env";
import { fetchWithin } from "./fetch-within";
import { startOwnSimulator, type OwnProcess } from "./processes";
import { simulatorAt, type RequestLogEntry } from "./simulator-control";

export const CLUSTER_PORT = Number(process.env.E2E_CLUSTER_PORT ?? APP_PORT + 11);
const CLUSTER_DIR = ".cache/e2e-cluster";
export const CLUSTER_SIZE = 3;
/** As production would set it: the budget all instances share. */
export const CALLS_PER_MINUTE = 60;
/** Large enough that the refresher never runs out of devices to read while the specs run, and specs always find unread ones. */
export const CLUSTER_DEVICES = 900;

export interface Health {
  status: string;
  instance?: string;
  role?: "leader" | "follower" | "alone";
  redis?: string;
  budget?: "shared" | "island" | "local";
}

export interface ClusterInstance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number | undefined;
  running(): boolean;
  output(): string;
  health(timeoutMs?: number): Promise<Health | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data directory, and waits for its health answer. */
  start(): Promise<void>;
}

export interface Cluster {
  redis: TestRedis;
  postgres: TestPostgres;
  databaseUrl: string;
  sim: OwnProcess & { control: string };
  simulator: ReturnType<typeof simulatorAt>;
  instances: ClusterInstance[];
  /** Runs `npm run users` against the shared PostgreSQL: what it creates exists on every instance. */
  users(args: string[], input?: string): string;
  /** The instances that answer their health check, with it. */
  healths(): Promise<{ instance: ClusterInstance; health: Health }[]>;
  close(): Promise<void>;
}

const live = new Set<ChildProcess>();
/** Redis and PostgreSQL of a cluster still starting or running: what stopCluster() and a dying worker end. */
const servers = new Set<{ close(): Promise<void>; readonly pid: number | undefined }>();
// The last line of defence: a worker that dies leaves no server behind.
process.once("exit", () => {
  const pids = [...[...live].filter((c) => c.exitCode === null).map((c) => c.pid), ...[...servers].map((s) => s.pid)];
  for (const pid of pids) {
    try {
      if (pid !== undefined) process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
});

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

/**
 * fetch, and the body read by `read`, given up after timeoutMs. Not AbortSignal.timeout: its timer holds the signal weakly, and a
 * signal collected mid-request never aborts (nodejs/undici#4068), which once hung a loaded test past its own timeout.
 */
async function fetchJson<T>(url: string, timeoutMs: number): Promise<T | null> {
  try {
    return await fetchWithin(url, timeoutMs, async (response) => (response.ok ? ((await response.json()) as T) : null));
  } catch {
    return null;
  }
}

async function until(what: string, ready: () => Promise<boolean>, timeoutMs: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}):\n${output().slice(-3_000)}`);
    if (Date.now() > deadline) throw new Error(`${what} did not answer within ${timeoutMs} ms:\n${output().slice(-3_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function makeInstance(name: string, port: number, env: Record<string, string>): ClusterInstance {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let chunks: string[] = [];
  const self: ClusterInstance = {
    name,
    port,
    url,
    dataDir: env.DATA_DIR!,
    get pid() {
      return child?.pid;
    },
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    output: () => chunks.join(""),
    health: (timeoutMs = 5_000) => fetchJson<Health>(`${url}/api/health`, timeoutMs),
    async kill(signal = "SIGTERM") {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => running.once("exit", () => resolve()));
      running.kill(signal);
      await gone;
    },
    async start() {
      chunks = [];
      const spawned = track(
        spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port)], {
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
        }),
      );
      child = spawned;
      const keep = (chunk: Buffer) => {
        chunks.push(chunk.toString("utf8"));
        if (chunks.length > 400) chunks = chunks.slice(-200);
      };
      spawned.stdout!.on("data", keep);
      spawned.stderr!.on("data", keep);
      await until(`instance ${name}`, async () => (await self.health(2_000)) !== null, 120_000, spawned, self.output);
    },
  };
  return self;
}

const started: { close(): Promise<void> }[] = [];

/** Ends every process of the cluster, started or still starting: call it from afterAll, which runs even when beforeAll failed. */
export async function stopCluster(): Promise<void> {
  for (const item of started.splice(0).reverse()) await item.close().catch(() => undefined);
}

const step = (what: string) => console.log(`[cluster] ${new Date().toISOString()} ${what}`);

export async function startCluster(): Promise<Cluster> {
  const keep = <T extends { close(): Promise<void>; readonly pid: number | undefined }>(server: T): T => {
    servers.add(server);
    started.push({ close: () => server.close().finally(() => servers.delete(server)) });
    return server;
  };
  try {
    step("starting redis-server, PostgreSQL and the simulator");
    const [redis, postgres, sim] = await Promise.all([
      startTestRedis().then(keep),
      startTestPostgres().then(keep),
      startOwnSimulator(["--key", E2E_API_KEY, "--devices", String(CLUSTER_DEVICES), "--retry-after-seconds", "2"]).then((sim) => {
        track(sim.child);
        started.push({ close: () => sim.stop("SIGKILL") });
        return sim;
      }),
    ]);
    const databaseUrl = await postgres.createDatabase();
    rmSync(CLUSTER_DIR, { recursive: true, force: true });

    const users = (args: string[], input?: string) => {
      const result = spawnSync(join("node_modules", ".bin", "tsx"), ["--conditions=react-server", "scripts/users.ts", ...args], {
        input,
        timeout: 60_000,
        env: { ...process.env, DATA_DIR: join(CLUSTER_DIR, "cli"), DATABASE_URL: databaseUrl },
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(`users ${args[0]} (${result.signal ?? result.status}): ${result.stderr || result.stdout}`);
      return result.stdout;
    };
    // Migrations run once, before three instances race for them.
    step("migrating the database");
    users(["list"]);

    const instances = Array.from({ length: CLUSTER_SIZE }, (_, i) => {
      const name = `e2e-${String.fromCharCode(97 + i)}`;
      const dataDir = join(CLUSTER_DIR, name);
      mkdirSync(dataDir, { recursive: true });
      return makeInstance(name, CLUSTER_PORT + i, {
        ...e2eAppEnv(dataDir),
        NSIGHT_SERVER: sim.url,
        NSIGHT_CALLS_PER_MINUTE: String(CALLS_PER_MINUTE),
        REDIS_URL: redis.url,
        DATABASE_URL: databaseUrl,
        MAX_INSTANCES: String(CLUSTER_SIZE),
        INSTANCE_NAME: name,
      });
    });
    for (const instance of instances) started.push({ close: () => instance.kill("SIGKILL") });
    step("starting three instances");
    await Promise.all(instances.map((instance) => instance.start()));
    step("three instances answer");

    return {
      redis,
      postgres,
      databaseUrl,
      sim,
      simulator: simulatorAt(sim.control),
      instances,
      users,
      async healths() {
        const answers = await Promise.all(instances.map(async (instance) => ({ instance, health: instance.running() ? await instance.health() : null })));
        return answers.filter((a): a is { instance: ClusterInstance; health: Health } => a.health !== null);
      },
      close: stopCluster,
    };
  } catch (error) {
    await stopCluster();
    throw error;
  }
}

/** The most N-sight calls that arrived within any 60 s of the given log entries, and the first and last of them. */
export function busiestWindow(requests: readonly RequestLogEntry[]): { count: number; from: string | null; to: string | null } {
  const sorted = requests.slice().sort((a, b) => a.at.localeCompare(b.at));
  const times = sorted.map((r) => Date.parse(r.at));
  let best = { count: 0, from: null as string | null, to: null as string | null };
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= 60_000) lo++;
    if (hi - lo + 1 > best.count) best = { count: hi - lo + 1, from: sorted[lo]!.at, to: sorted[hi]!.at };
  }
  return best;
}

export const busiestMinute = (requests: readonly RequestLogEntry[]) => busiestWindow(requests).count;

/** The device a list_mob_sessions call asked for. */
export const sessionsDevice = (r: RequestLogEntry) => (r.service === "list_mob_sessions" ? (r.params.deviceid ?? null) : null);

/**
 * Collects the shared budget's admissions (the window Redis keeps, scored by Redis's clock) until stopped, to tell a budget
 * that admitted too many from calls that reached N-sight later than admitted.
 */
export function watchBudgetAdmissions(redisUrl: string): { stop(): Promise<number[]> } {
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
  // Redis is stopped on purpose in some specs: a read then misses, which is fine.
  redis.on("error", () => undefined);
  const admitted = new Map<string, number>();
  const read = async () => {
    const [, keys] = await redis.scan(0, "MATCH", "*budget:window", "COUNT", 1000);
    for (const key of keys) {
      const flat = await redis.zrange(key, 0, -1, "WITHSCORES");
      for (let i = 0; i < flat.length; i += 2) admitted.set(flat[i]!, Number(flat[i + 1]));
    }
  };
  const timer = setInterval(() => void read().catch(() => undefined), 5_000);
  return {
    async stop() {
      clearInterval(timer);
      await read().catch(() => undefined);
      redis.disconnect();
      return [...admitted.values()].sort((a, b) => a - b);
    },
  };
}

/** The most of the given times within any `windowMs`. */
export function mostWithin(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}
