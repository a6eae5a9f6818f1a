import { writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { E2E_PASSWORD, e2eAppEnv } from "../support/env";
import { busiestMinute, busiestWindow, CALLS_PER_MINUTE, CLUSTER_SIZE, mostWithin, sessionsDevice, startCluster, stopCluster, watchBudgetAdmissions, type Cluster, type ClusterInstance, type Health } from "../support/cluster";
import { fetchWithin } from "../support/fetch-within";
import { signIn } from "../support/users";
import type { RequestLogEntry } from "../support/simulator-control";

// Three `next start` of the one build, one redis-server, one PostgreSQL, one simulator (e2e/support/cluster.ts).
// The tests share them in order; after a failure Playwright starts a new worker and so a fresh cluster.
const ADMIN = { email: "admin@cluster.test", role: "admin" } as const;
const NSIGHT_TIMEOUT_MS = Number(e2eAppEnv("").NSIGHT_TIMEOUT_SECONDS) * 1000;
/** The Redis link gives up on a command after a second (lib/cluster/redis-link.ts). */
const REDIS_COMMAND_TIMEOUT_MS = 1_000;
/** An unanswered N-sight call and a Redis command that times out, plus a page's own work: past this a request hangs. */
const NO_HANG_MS = NSIGHT_TIMEOUT_MS + 2 * REDIS_COMMAND_TIMEOUT_MS + 1_000;
/** A request that waits for the budget's next minute, then for N-sight. */
const QUEUED_MS = 60_000 + NO_HANG_MS;
const ISLAND_CALLS_PER_MINUTE = Math.floor(CALLS_PER_MINUTE / CLUSTER_SIZE);

let cluster: Cluster;
let token: string;
let admissions: ReturnType<typeof watchBudgetAdmissions> | undefined;
/** Devices some test asked for: never "unread" again. */
const asked = new Set<string>();

interface Answer {
  status: number;
  ms: number;
  stale: boolean | null;
}

async function get(instance: ClusterInstance, path: string, timeoutMs = 60_000): Promise<Answer> {
  const startedAt = performance.now();
  try {
    return await fetchWithin(
      `${instance.url}${path}`,
      timeoutMs,
      async (response) => {
        const body = (await response.json().catch(() => null)) as { meta?: { stale?: boolean } } | null;
        return { status: response.status, ms: performance.now() - startedAt, stale: body?.meta?.stale ?? null };
      },
      { headers: { Authorization: `Bearer ${token}` } },
    );
  } catch {
    // Aborted: it did not answer within timeoutMs.
    return { status: 0, ms: performance.now() - startedAt, stale: null };
  }
}

function sessionsOf(deviceId: string): string {
  asked.add(deviceId);
  return `/api/devices/${deviceId}/sessions`;
}

/** A call for nothing a test asked for: the refresher's. */
const isBackground = (r: RequestLogEntry) => !asked.has(sessionsDevice(r) ?? "");
const sessionCalls = (requests: readonly RequestLogEntry[], deviceId: string) => requests.filter((r) => sessionsDevice(r) === deviceId);

/** Backup devices nothing has read for longer than the sessions TTL (so in no cache), and no test has asked for. */
async function unreadDevices(count: number): Promise<string[]> {
  const ttlMs = Number(e2eAppEnv("").NSIGHT_SESSIONS_TTL_SECONDS) * 1000;
  const since = new Date(Date.now() - ttlMs - 10_000).toISOString();
  const recent = new Set((await cluster.simulator.requestsSince(since, "list_mob_sessions")).map(sessionsDevice));
  const devices = (await cluster.simulator.devices({ limit: 1000 })).filter((d) => ["ok", "warning", "failed", "overdue"].includes(d.state));
  const unread = devices.map((d) => d.deviceId).filter((id) => !recent.has(id) && !asked.has(id));
  expect(unread.length, "unread devices left in the simulated fleet").toBeGreaterThanOrEqual(count);
  return unread.slice(0, count);
}

async function roles(): Promise<Map<ClusterInstance, Health>> {
  return new Map((await cluster.healths()).map(({ instance, health }) => [instance, health]));
}

async function theLeader(): Promise<ClusterInstance> {
  let leader: ClusterInstance | undefined;
  await expect
    .poll(
      async () => {
        const leaders = [...(await roles())].filter(([, h]) => h.role === "leader").map(([i]) => i);
        leader = leaders[0];
        return leaders.length;
      },
      { message: "exactly one instance reports role leader", timeout: 60_000, intervals: [250] },
    )
    .toBe(1);
  return leader!;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function timeline(title: string, steps: [string, number | null][]): void {
  const origin = steps[0]![1]!;
  const text = steps.map(([what, at]) => `${what} ${at === null ? "never" : `+${seconds(at - origin)}`}`).join(" → ");
  console.log(`[cluster timeline] ${title}: ${text}`);
  test.info().annotations.push({ type: "timeline", description: `${title}: ${text}` });
}

async function signedInPage(page: Page): Promise<void> {
  // Cookies belong to the host, not the port: one sign-in is sent to all three, and each finds the session in PostgreSQL.
  await signIn(page, ADMIN.email, E2E_PASSWORD, cluster.instances[0]!.url);
}

async function openDevicePage(page: Page, instance: ClusterInstance, deviceId: string): Promise<void> {
  asked.add(deviceId);
  await page.goto(`${instance.url}/devices/${deviceId}?range=30d&tz=UTC`);
  await expect(page.locator("section[data-total]")).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = await startCluster();
  cluster.users(["add", ADMIN.email, "--role", ADMIN.role, "--password-stdin"], `${E2E_PASSWORD}\n`);
  token = cluster.users(["token", ADMIN.email, "--name", "cluster e2e"]).trimEnd().split("\n").at(-1)!.trim();
  admissions = watchBudgetAdmissions(cluster.redis.url);
});

test.afterAll(async () => {
  await admissions?.stop();
  await stopCluster();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  for (const instance of cluster?.instances ?? []) writeFileSync(testInfo.outputPath(`${instance.name}.log`), instance.output());
});

test("every instance's fleet says when N-sight last answered, though only the leader reads the fleet", async () => {
  const leader = await theLeader();
  await expect
    .poll(
      async () => {
        const ages = await Promise.all(
          cluster.instances.map(async (instance) => {
            const response = await fetch(`${instance.url}/api/fleet`, { headers: { Authorization: `Bearer ${token}` } });
            const { data } = (await response.json()) as { data: { upstream: { status: string; lastOkAt: string | null } } };
            return data.upstream.status === "ok" && data.upstream.lastOkAt ? Date.now() - Date.parse(data.upstream.lastOkAt) : Infinity;
          }),
        );
        // The followers made no call of their own yet: what they show is the leader's.
        return ages.every((age) => age < 15_000);
      },
      { message: `each instance's fleet answer: N-sight ok within 15 s (the leader is ${leader.name})`, timeout: 60_000, intervals: [1_000] },
    )
    .toBe(true);
});

test("the same device page on each of the three instances costs N-sight one call", async ({ page }) => {
  test.setTimeout(120_000);
  await signedInPage(page);
  // Counted from before the choice: a read the refresher makes meanwhile is the one call, and the pages must use it.
  const since = new Date().toISOString();
  const [device] = await unreadDevices(1);
  for (const instance of cluster.instances) await openDevicePage(page, instance, device!);
  // Anything the pages started has arrived by now.
  await page.waitForTimeout(2_000);
  const calls = sessionCalls(await cluster.simulator.requestsSince(since), device!);
  expect(calls.map((c) => c.at), `list_mob_sessions calls for ${device}`).toHaveLength(1);
});

test("fifty viewers spread over the three cost nothing beyond that one call", async () => {
  test.setTimeout(120_000);
  // Counted from before the choice: a read the refresher makes meanwhile is the one call, and the pages must use it.
  const since = new Date().toISOString();
  const [device] = await unreadDevices(1);
  const wave = () =>
    Promise.all(
      Array.from({ length: 50 }, (_, viewer) =>
        get(cluster.instances[viewer % CLUSTER_SIZE]!, viewer % 2 ? sessionsOf(device!) : `/api/devices/${device}/history?range=30d&tz=UTC`),
      ),
    );
  // All fifty at once, cold: one call between three processes.
  const first = await wave();
  expect(first.map((a) => a.status)).toEqual(Array(50).fill(200));
  const second = await wave();
  expect(second.map((a) => a.status)).toEqual(Array(50).fill(200));
  expect(second.every((a) => a.stale === null || a.stale === false)).toBe(true);
  const calls = sessionCalls(await cluster.simulator.requestsSince(since), device!);
  expect(calls.map((c) => c.at), `list_mob_sessions calls for ${device}`).toHaveLength(1);
});

test("a share link made on one instance opens on the others", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signedInPage(page);
  const [device] = await unreadDevices(1);
  const [maker, ...others] = cluster.instances;
  await openDevicePage(page, maker!, device!);
  const name = (await page.getByRole("heading", { level: 1 }).textContent())!.trim();
  const made = await page.request.post(`${maker!.url}/api/share-links`, { data: { deviceId: device, expiresInDays: 1 }, headers: { Origin: maker!.url } });
  expect(made.status()).toBe(201);
  const { url } = (await made.json()).data as { url: string };
  expect(url.startsWith(`${maker!.url}/s/`)).toBe(true);

  const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const shared = await stranger.newPage();
  for (const other of others) {
    await shared.goto(url.replace(maker!.url, other.url));
    await expect(shared.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(shared.locator("section[data-total]")).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
  }
  await stranger.close();
});

test(`all three loaded: N-sight never sees more than ${CALLS_PER_MINUTE} calls in any minute`, async () => {
  test.setTimeout(180_000);
  // More devices than a minute's budget, none cached: every request needs its own call.
  const devices = await unreadDevices(100);
  const since = new Date().toISOString();
  const loadMs = 65_000;
  const endAt = Date.now() + loadMs;
  let next = 0;
  const statuses = new Map<number, number>();
  const waiting = new Map<number, { what: string; since: number }>();
  const viewer = async (n: number) => {
    for (let i = n; Date.now() < endAt; i += CLUSTER_SIZE) {
      const device = devices[next++ % devices.length]!;
      const instance = cluster.instances[i % CLUSTER_SIZE]!;
      waiting.set(n, { what: `${instance.name} ${device}`, since: Date.now() });
      const answer = await get(instance, sessionsOf(device), Math.max(1_000, endAt - Date.now()));
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    waiting.delete(n);
  };
  // If the load outlives its end, the log names the requests still waiting.
  const progress = setInterval(() => {
    const longest = [...waiting].sort(([, a], [, b]) => a.since - b.since).slice(0, 5);
    console.log(
      `[cluster load] ${seconds(Date.now() - (endAt - loadMs))} in: answers ${JSON.stringify(Object.fromEntries(statuses))}, ${waiting.size} viewers waiting; longest: ${longest.map(([n, w]) => `viewer ${n} on ${w.what} for ${seconds(Date.now() - w.since)}`).join(", ")}`,
    );
  }, 20_000);
  try {
    await Promise.all(Array.from({ length: 24 }, (_, n) => viewer(n)));
  } finally {
    clearInterval(progress);
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const calls = await cluster.simulator.requestsSince(since);
  const stats = await cluster.simulator.stats();
  console.log(`[cluster load] ${calls.length} N-sight calls in ${seconds(loadMs)}, busiest minute ${busiestMinute(calls)}, answers by status ${JSON.stringify(Object.fromEntries(statuses))}`);
  expect(busiestMinute(calls)).toBeLessThanOrEqual(CALLS_PER_MINUTE);
  const admitted = (await admissions?.stop()) ?? [];
  admissions = undefined;
  console.log(`[cluster load] the shared budget admitted ${admitted.length} calls since the cluster started: at most ${mostWithin(admitted, 61_000)} in any 61 s, ${mostWithin(admitted, 60_000)} in any 60 s`);
  const whole = busiestWindow(stats.requests);
  const inWindow = admitted.filter((t) => t >= Date.parse(whole.from!) - 5_000 && t <= Date.parse(whole.to!)).length;
  console.log(
    `[cluster load] since the cluster started: N-sight saw ${stats.totalCalls} calls, busiest minute ${whole.count} (${whole.from} to ${whole.to}, admitted from 5 s before it to its end: ${inWindow}); the simulator counts ${stats.maxCallsInAnyMinute}; the load ran ${since} to ${new Date(endAt).toISOString()}`,
  );
  expect(stats.maxCallsInAnyMinute, "the simulator's own count since the cluster started").toBeLessThanOrEqual(CALLS_PER_MINUTE);
  // The load did press on the budget: otherwise this test could not fail.
  expect(new Set(calls.map(sessionsDevice).filter((d) => d !== null && devices.includes(d))).size).toBeGreaterThan(CALLS_PER_MINUTE / 2);
});

test("SIGKILL the leader: another takes over within 30 s and the fleet is read again", async () => {
  test.setTimeout(180_000);
  const leader = await theLeader();
  const followers = cluster.instances.filter((i) => i !== leader);
  for (const [instance, health] of await roles()) if (instance !== leader) expect(health.role, instance.name).toBe("follower");

  // The fleet is being read before the kill (the budget has room for background reads after the load): "again" means something.
  await expect
    .poll(async () => (await cluster.simulator.requestsSince(new Date(Date.now() - 3_000).toISOString())).some(isBackground), {
      message: "the leader reads the fleet",
      timeout: 90_000,
      intervals: [1_000],
    })
    .toBe(true);
  const killedAt = Date.now();
  await leader.kill("SIGKILL");
  let newLeaderAt: number | null = null;
  await expect
    .poll(
      async () => {
        const healths = await Promise.all(followers.map((f) => f.health(2_000)));
        if (healths.some((h) => h?.role === "leader")) newLeaderAt ??= Date.now();
        return newLeaderAt !== null;
      },
      { message: "a survivor reports role leader", timeout: 30_000 - (Date.now() - killedAt), intervals: [250] },
    )
    .toBe(true);
  // Nobody is viewing anything now: a call after the kill for anything no test asked for is the new leader's refresher.
  let firstReadAt: number | null = null;
  let firstRead: RequestLogEntry | undefined;
  await expect
    .poll(
      async () => {
        firstRead = (await cluster.simulator.requestsSince(new Date(killedAt + 1).toISOString())).find(isBackground);
        if (firstRead) firstReadAt = Date.parse(firstRead.at);
        return firstReadAt !== null;
      },
      { message: "N-sight sees the fleet being read again", timeout: Math.max(1_000, 30_000 - (Date.now() - killedAt)), intervals: [250] },
    )
    .toBe(true);
  timeline("leader killed", [
    ["SIGKILL", killedAt],
    ["new leader", newLeaderAt],
    [`first fleet read (${firstRead?.service})`, firstReadAt],
  ]);
  expect(firstReadAt! - killedAt).toBeLessThanOrEqual(30_000);

  // Back to three: the restarted instance joins as a follower.
  await leader.start();
  await expect.poll(async () => (await leader.health())?.role, { timeout: 30_000 }).toBe("follower");
});

test("Redis frozen (SIGSTOP) for 10 s: no request hangs past its timeout", async () => {
  test.setTimeout(120_000);
  await theLeader();
  const [warm] = await unreadDevices(1);
  for (const instance of cluster.instances) expect((await get(instance, sessionsOf(warm!))).status).toBe(200);
  const cold = await unreadDevices(CLUSTER_SIZE * 2);
  const frozenAt = Date.now();
  cluster.redis.freeze();
  let answers: { what: string; answer: Answer }[];
  try {
    answers = await Promise.all(
      cluster.instances.flatMap((instance, i) =>
        ["/api/health", "/api/fleet", sessionsOf(warm!), sessionsOf(cold[2 * i]!), sessionsOf(cold[2 * i + 1]!)].map(async (path) => ({
          what: `${instance.name} ${path}`,
          // Aborted (status 0) well after a request should have given up: a hang.
          answer: await get(instance, path, NO_HANG_MS + 5_000),
        })),
      ),
    );
    const left = 10_000 - (Date.now() - frozenAt);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  } finally {
    cluster.redis.thaw();
  }
  const thawedAt = Date.now();
  console.log(`[cluster freeze] answers while Redis was frozen: ${answers.map((a) => `${a.what} ${a.answer.status} in ${seconds(a.answer.ms)}`).join("; ")}`);
  for (const { what, answer } of answers) {
    expect(answer.status, `${what} answered`).not.toBe(0);
    expect(answer.ms, `${what} within ${NO_HANG_MS} ms`).toBeLessThanOrEqual(NO_HANG_MS);
  }
  expect(answers.filter((a) => a.what.includes("/api/health")).map((a) => a.answer.status)).toEqual(Array(CLUSTER_SIZE).fill(200));
  await theLeader();
  timeline("Redis frozen", [
    ["SIGSTOP", frozenAt],
    ["SIGCONT", thawedAt],
    ["a leader again", Date.now()],
  ]);
});

test("Redis down for two minutes: pages answer, calls stay within each instance's share, everything resumes alone", async () => {
  test.setTimeout(420_000);
  await theLeader();
  const outageMs = 120_000;
  // Each instance is asked for devices of its own: N-sight's log then says which instance called.
  // 24 a minute each: above an island's share of 20, not so far above that the queue outgrows a minute.
  const demandEveryMs = 2_500;
  const perInstance = Math.ceil(outageMs / demandEveryMs) + 2;
  const [known, ...pool] = await unreadDevices(perInstance * CLUSTER_SIZE + 1);
  const own = cluster.instances.map((_, i) => pool.slice(i * perInstance, (i + 1) * perInstance));
  const owner = new Map(own.flatMap((list, i) => list.map((d) => [d, i] as const)));
  for (const instance of cluster.instances) expect((await get(instance, sessionsOf(known!))).status).toBe(200);

  const stoppedAt = Date.now();
  await cluster.redis.stop();
  let islandAt: number | null = null;
  const answers: { what: string; answer: Answer }[] = [];
  const asking: Promise<void>[] = [];
  const ask = (instance: ClusterInstance, path: string, timeoutMs: number) =>
    asking.push(get(instance, path, timeoutMs).then((answer) => void answers.push({ what: `${instance.name} ${path}`, answer })));
  for (let n = 0; Date.now() - stoppedAt < outageMs; n++) {
    const tickAt = Date.now();
    for (const [i, instance] of cluster.instances.entries()) {
      // More than an island's share: beyond it a request waits for the next minute or is refused, never sent.
      ask(instance, sessionsOf(own[i]![n]!), QUEUED_MS);
      ask(instance, sessionsOf(known!), QUEUED_MS);
      ask(instance, "/api/fleet", NO_HANG_MS);
      ask(instance, "/api/health", NO_HANG_MS);
    }
    if (islandAt === null && (await Promise.all(cluster.instances.map((i) => i.health(NO_HANG_MS)))).every((h) => h?.budget === "island")) islandAt = Date.now();
    const wait = demandEveryMs - (Date.now() - tickAt);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const healthsDuringOutage = await Promise.all(cluster.instances.map((i) => i.health(NO_HANG_MS)));
  const upAt = Date.now();
  await cluster.redis.start();

  let leaderAt: number | null = null;
  let resumedAt: number | null = null;
  let resumedWith: RequestLogEntry | undefined;
  // Once the outage's requests have all answered the test asks N-sight for nothing: any history read after that is the refresher's.
  let settledAt: number | null = null;
  void Promise.allSettled(asking).then(() => (settledAt = Date.now()));
  await expect
    .poll(
      async () => {
        if (leaderAt === null && [...(await roles()).values()].some((h) => h.role === "leader")) leaderAt = Date.now();
        // A read of a device nobody asked for, or any read once nobody asks: the refresher's (the outage asked for most devices).
        const since = await cluster.simulator.requestsSince(new Date(upAt).toISOString(), "list_mob_sessions");
        resumedWith = since.find((r) => !asked.has(sessionsDevice(r)!) || (settledAt !== null && Date.parse(r.at) > settledAt));
        if (resumedWith) resumedAt = Date.parse(resumedWith.at);
        return leaderAt !== null && resumedAt !== null;
      },
      { message: "a leader again, and background reads resume by themselves", timeout: 150_000, intervals: [500] },
    )
    .toBe(true);
  timeline("Redis down", [
    ["redis stopped", stoppedAt],
    ["all three island", islandAt],
    ["redis started", upAt],
    ["a leader again", leaderAt],
    ["first background read", resumedAt],
  ]);
  expect(healthsDuringOutage.map((h) => h?.budget)).toEqual(Array(CLUSTER_SIZE).fill("island"));

  await Promise.all(asking);
  // Every request answered: the known device from memory (marked stale once past its TTL), the others fresh or with a clear error.
  const byStatus = new Map<string, number>();
  for (const { what, answer } of answers) {
    const kind = `${what.replace(/^\S+ /, "").replace(/devices\/[^/]+/, what.endsWith(sessionsOf(known!)) ? "devices/known" : "devices/unread")} ${answer.status}${answer.stale ? " stale" : ""}`;
    byStatus.set(kind, (byStatus.get(kind) ?? 0) + 1);
  }
  console.log(`[cluster outage] answers: ${JSON.stringify(Object.fromEntries(byStatus))}`);
  for (const { what, answer } of answers) {
    expect(answer.status, `${what} answered`).not.toBe(0);
    expect(answer.status, `${what} is no server error`).not.toBe(500);
  }
  for (const { what, answer } of answers.filter((a) => /\/api\/(health|fleet)$/.test(a.what) || a.what.endsWith(sessionsOf(known!)))) {
    expect(answer.status, what).toBe(200);
  }

  const log = await cluster.simulator.requestsSince(new Date(stoppedAt - 60_000).toISOString());
  const during = log.filter((r) => Date.parse(r.at) >= stoppedAt && Date.parse(r.at) <= upAt);
  for (const [i, instance] of cluster.instances.entries()) {
    const its = during.filter((r) => owner.get(sessionsDevice(r) ?? "") === i);
    console.log(`[cluster outage] ${instance.name}: ${its.length} calls for its devices, busiest minute ${busiestMinute(its)}`);
    expect(busiestMinute(its), `${instance.name}'s calls in any minute`).toBeLessThanOrEqual(ISLAND_CALLS_PER_MINUTE);
  }
  // No background work while Redis is away (after the first seconds, when a refresher's call may still have been under way).
  const background = during.filter((r) => Date.parse(r.at) > stoppedAt + 5_000 && r.service === "list_mob_sessions" && !asked.has(sessionsDevice(r)!));
  expect(background.map((r) => r.params.deviceid), "background reads during the outage").toEqual([]);
  const busiest = busiestWindow(log);
  console.log(`[cluster outage] busiest minute from a minute before the outage: ${busiest.count} calls, ${busiest.from} to ${busiest.to} (Redis stopped ${new Date(stoppedAt).toISOString()}, started ${new Date(upAt).toISOString()})`);
  expect(busiest.count, "calls in any minute, from a minute before the outage to now").toBeLessThanOrEqual(CALLS_PER_MINUTE);
  expect((await cluster.simulator.stats()).maxCallsInAnyMinute, "the simulator's own count since the cluster started").toBeLessThanOrEqual(CALLS_PER_MINUTE);
});

test("PostgreSQL stopped for 20 s: what needs the store fails at once with a clear answer, and everything works again alone", async ({ page }) => {
  test.setTimeout(180_000);
  await theLeader();
  const databaseUrl = cluster.databaseUrl;
  const password = new URL(databaseUrl).password;
  await signedInPage(page);
  await cluster.postgres.stop();
  const stoppedAt = Date.now();
  const during: { what: string; status: number; ms: number; body: string }[] = [];
  for (let round = 0; Date.now() - stoppedAt < 20_000; round++) {
    await Promise.all(
      cluster.instances.flatMap((instance) =>
        ["/api/fleet", "/api/health"].map(async (path) => {
          const startedAt = performance.now();
          const answer = await fetchWithin(`${instance.url}${path}`, NO_HANG_MS, async (response) => ({ status: response.status, body: await response.text() }), {
            headers: { Authorization: `Bearer ${token}` },
          }).catch(() => ({ status: 0, body: "" }));
          during.push({ what: `${instance.name} ${path}`, ms: performance.now() - startedAt, ...answer });
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  // A page needing the signed-in session: an error page, not a hang.
  const pageAnswer = await page.goto(`${cluster.instances[1]!.url}/`, { timeout: NO_HANG_MS });
  const startedAt = Date.now();
  await cluster.postgres.start();
  let answeredAt: number | null = null;
  await expect
    .poll(
      async () => {
        const statuses = await Promise.all(cluster.instances.map(async (instance) => (await get(instance, "/api/fleet", NO_HANG_MS)).status));
        if (statuses.every((s) => s === 200)) answeredAt ??= Date.now();
        return statuses;
      },
      { message: "every instance answers a signed-in request again", timeout: 60_000, intervals: [500] },
    )
    .toEqual(Array(CLUSTER_SIZE).fill(200));
  timeline("PostgreSQL down", [
    ["postgres stopped", stoppedAt],
    ["postgres started", startedAt],
    ["signed-in requests answer on all three", answeredAt],
  ]);

  const kinds = new Map<string, number>();
  for (const a of during) kinds.set(`${a.what.replace(/^\S+ /, "")} ${a.status}`, (kinds.get(`${a.what.replace(/^\S+ /, "")} ${a.status}`) ?? 0) + 1);
  console.log(`[cluster postgres] answers while down: ${JSON.stringify(Object.fromEntries(kinds))}`);
  for (const answer of during) {
    expect(answer.status, `${answer.what} answered`).not.toBe(0);
    expect(answer.ms, `${answer.what} answered before its timeout`).toBeLessThan(NO_HANG_MS);
    expect(answer.body, `${answer.what} leaks nothing`).not.toMatch(/postgres:\/\/|ECONNREFUSED|\bat \S+ \(|node_modules/);
    if (password) expect(answer.body).not.toContain(password);
  }
  // The health answer needs no store: the proxy keeps sending people to instances that can still serve what needs none.
  for (const answer of during.filter((a) => a.what.endsWith("/api/health"))) expect(answer.status, answer.what).toBe(200);
  for (const answer of during.filter((a) => a.what.endsWith("/api/fleet"))) expect(answer.status, answer.what).toBe(503);
  expect(pageAnswer?.status()).toBeGreaterThanOrEqual(500);
  await expect(page.getByRole("heading", { name: "This page could not be shown" })).toBeVisible();
  await expect(page.locator("body")).not.toContainText(/postgres:\/\/|ECONNREFUSED/);
  // The leader kept the lease (Redis) and writes the fleet again.
  await theLeader();
});
