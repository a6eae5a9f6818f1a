import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { postgresForThisFile } from "../testing/postgres-for-file";
import { freePort } from "../testing/free-port";
import { listAudit } from "./audit";
import { migrationProvider } from "./migrations";
import { openStore, type Store } from "./db";
import { getLoginFailure, recordLoginFailure, type FailurePolicy } from "./login-failures";
import { countPairingCodes, insertPairingCode } from "./pairing-codes";
import { countShareLinkView, createShareLink } from "./share-links";
import { isStoreUnavailable } from "./unavailable";
import { createUser, findUserByEmail } from "./users";
import { until } from "../testing/until";

// What only several instances on one database can do to each other: each store here is its own pool, as another process's would be.
const postgresServer = postgresForThisFile();
const opened: Store[] = [];
// Thawed after each test, even one that timed out, so the server can still be closed.
const frozen: number[] = [];

afterEach(async () => {
  for (const pid of frozen.splice(0)) process.kill(pid, "SIGCONT");
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
});

async function twoInstances(): Promise<[Store, Store]> {
  const databaseUrl = await postgresServer().createDatabase();
  const pair = await Promise.all([openStore({ databaseUrl }), openStore({ databaseUrl })]);
  opened.push(...pair);
  return pair;
}

describe("several instances on one PostgreSQL database", () => {
  it("migrate a fresh database once when they start at the same moment", async () => {
    const databaseUrl = await postgresServer().createDatabase();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openStore({ databaseUrl })));
    opened.push(...stores);
    const applied = await stores[0]!.selectFrom("kysely_migration" as never).select("name" as never).execute();
    const names = applied.map((r) => (r as { name: string }).name);
    expect(names).toEqual(Object.keys(await migrationProvider.getMigrations()).sort());
    expect(new Set(names).size).toBe(names.length);
    expect(await stores[3]!.selectFrom("users").selectAll().execute()).toEqual([]);
  });

  it("count every login failure when they record them at once", async () => {
    const [a, b] = await twoInstances();
    const policy: FailurePolicy = { windowMs: 60_000, maxFailures: 30, lockMs: 300_000, maxRows: 100 };
    await Promise.all(Array.from({ length: 40 }, (_, i) => recordLoginFailure(i % 2 ? a : b, "account:x", policy, 1_000 + i)));
    expect(await getLoginFailure(a, "account:x")).toMatchObject({ count: 40 });
    expect((await getLoginFailure(b, "account:x"))!.lockedUntil).toBeGreaterThan(1_000);
  });

  it("never let one address hold more pairing codes than its limit", async () => {
    const [a, b] = await twoInstances();
    const limits = { perAddress: 3, maxRows: 1_000 };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => insertPairingCode(i % 2 ? a : b, { codeHash: `c${i}`, claimHash: `k${i}`, address: "192.0.2.1", expiresAt: 10_000 }, limits, 1_000)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(await countPairingCodes(a)).toBe(3);
  });

  it("count every view of a share link, each view its own number", async () => {
    const [a, b] = await twoInstances();
    const link = await createShareLink(a, { hash: "h", deviceId: "100", clientId: "10", view: "", createdBy: null, expiresAt: 10_000 }, 1_000);
    const numbers = await Promise.all(Array.from({ length: 30 }, (_, i) => countShareLinkView(i % 2 ? a : b, link.id, 2_000)));
    expect(numbers.sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it("keep audit ids unique and the log in time then id order when two processes write in the same millisecond", async () => {
    const [a, b] = await twoInstances();
    // A second copy of the module: its own per-process sequence, as another instance's would be.
    const first = await import("./audit");
    vi.resetModules();
    const second = await import("./audit");
    expect(second.writeAudit).not.toBe(first.writeAudit);
    for (let i = 0; i < 10; i++) {
      await Promise.all([first.writeAudit(a, { actor: "a", action: `a.${i}` }, 5_000), second.writeAudit(b, { actor: "b", action: `b.${i}` }, 5_000)]);
    }
    await first.writeAudit(a, { actor: "a", action: "later" }, 6_000);
    const all = await listAudit(a, { limit: 1000 });
    expect(new Set(all.map((e) => e.id)).size).toBe(21);
    expect(all[0]!.action).toBe("later");
    for (const actor of ["a", "b"]) {
      const own = all.filter((e) => e.actor === actor && e.at === 5_000).map((e) => e.action);
      expect(own).toEqual(Array.from({ length: 10 }, (_, i) => `${actor}.${9 - i}`));
    }
    const paged: string[] = [];
    let page = await listAudit(b, { limit: 4 });
    while (page.length > 0) {
      paged.push(...page.map((e) => e.id));
      const last = page.at(-1)!;
      page = await listAudit(b, { limit: 4, before: last.at, beforeId: last.id });
    }
    expect(paged).toEqual(all.map((e) => e.id));
  });

  it("fail at once with a clear message, and no password, when the database is not there", async () => {
    const port = await freePort();
    const failure = openStore({ databaseUrl: `postgres://app:s3cret-pw@127.0.0.1:${port}/dashboard` });
    await expect(failure).rejects.toThrow(/dashboard on 127\.0\.0\.1/);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it("fail a query on a frozen server at its timeout rather than hang the request", async () => {
    const databaseUrl = await postgresServer().createDatabase();
    const db = await openStore({ databaseUrl, timeoutsMs: { connect: 1_000, query: 1_000 } });
    opened.push(db);
    await db.selectFrom("users").selectAll().execute();
    const children = spawnSync("ps", ["-o", "pid=", "--ppid", String(postgresServer().pid)], { encoding: "utf8" }).stdout.split("\n").map(Number).filter((pid) => pid > 0);
    for (const pid of [postgresServer().pid!, ...children]) {
      process.kill(pid, "SIGSTOP");
      frozen.push(pid);
    }
    const slow = await db.selectFrom("users").selectAll().execute().catch((error: unknown) => error);
    expect(slow).toBeInstanceOf(Error);
    expect((slow as Error).message).toMatch(/timeout/i);
    expect(isStoreUnavailable(slow)).toBe(true);
    await expect(openStore({ databaseUrl, timeoutsMs: { connect: 1_000 } })).rejects.toThrow(/timeout/i);
  });

  it("fail at once while the server is stopped, as the store being unavailable, and work again on the same pool when it is back", async () => {
    const databaseUrl = await postgresServer().createDatabase();
    const db = await openStore({ databaseUrl });
    opened.push(db);
    await createUser(db, { email: "before@example.com", role: "admin" });
    await postgresServer().stop();
    try {
      for (let i = 0; i < 3; i++) {
        const failure = await findUserByEmail(db, "before@example.com").catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(Error);
        expect(isStoreUnavailable(failure)).toBe(true);
      }
    } finally {
      await postgresServer().start();
    }
    await until(async () => (await findUserByEmail(db, "before@example.com").catch(() => null)) !== null);
    expect(isStoreUnavailable(new Error("duplicate key value violates unique constraint"))).toBe(false);
  });
});
