import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRedis, type TestRedis } from "../testing/redis-server";
import { accountPrefix, RedisLink, RedisUnavailableError } from "./redis-link";
import { until } from "../testing/until";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe("RedisLink", () => {
  it("namespaces keys by account without writing the account out", () => {
    const prefix = accountPrefix("https://eu.example|secret-key");
    expect(prefix).toMatch(/^nsbd:\{[0-9a-f]{16}\}:$/);
    expect(prefix).not.toContain("secret");
    expect(accountPrefix("https://eu.example|other-key")).not.toBe(prefix);
  });

  it("fails fast while Redis is frozen, and says when it is back", async () => {
    const changes: boolean[] = [];
    const link = new RedisLink({ url: redis.url, account: "a", commandTimeoutMs: 300, probeEveryMs: 100, onChange: (up) => changes.push(up) });
    try {
      await until(() => link.up);
      await link.run((r) => r.set(link.key("k"), "v"));
      redis.freeze();
      const started = Date.now();
      await expect(link.run((r) => r.get(link.key("k")))).rejects.toBeInstanceOf(RedisUnavailableError);
      // The command timeout, not a hang: well under the 10 s the freeze would otherwise cost.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(link.up).toBe(false);
      redis.thaw();
      await until(() => link.up);
      expect(await link.run((r) => r.get(link.key("k")))).toBe("v");
      expect(changes).toEqual([true, false, true]);
    } finally {
      redis.thaw();
      await link.close();
    }
  });

  it("refuses at once while Redis is stopped, and delivers published messages once it returns", async () => {
    const link = new RedisLink({ url: redis.url, account: "b", commandTimeoutMs: 300, probeEveryMs: 100 });
    const other = new RedisLink({ url: redis.url, account: "b", commandTimeoutMs: 300, probeEveryMs: 100 });
    try {
      await until(() => link.up && other.up);
      await redis.stop();
      await until(() => !link.up);
      const started = Date.now();
      await expect(link.run((r) => r.get(link.key("k")))).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(Date.now() - started).toBeLessThan(1_000);
      await redis.start();
      await until(() => link.up && other.up);
      const received: string[] = [];
      other.subscribe("news", (m) => received.push(m));
      await until(() => {
        void link.publish("news", "hello").catch(() => undefined);
        return received.length > 0;
      });
      expect(received[0]).toBe("hello");
    } finally {
      await link.close();
      await other.close();
    }
  });
});
