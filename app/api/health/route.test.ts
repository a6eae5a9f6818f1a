import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { startTestRedis, type TestRedis } from "@/lib/testing/redis-server";

const CLUSTER = Symbol.for("nsight-backup-dashboard.cluster");
type WithCluster = typeof globalThis & { [CLUSTER]?: { redis: { close(): Promise<void> } | null } };

let redis: TestRedis | undefined;

afterEach(async () => {
  await (globalThis as WithCluster)[CLUSTER]?.redis?.close();
  delete (globalThis as WithCluster)[CLUSTER];
  vi.unstubAllEnvs();
  vi.resetModules();
});
afterAll(async () => {
  await redis?.close();
});

async function health(env: Record<string, string>): Promise<Record<string, unknown>> {
  vi.stubEnv("NSIGHT_DEMO", "1");
  vi.stubEnv("NSIGHT_SERVER", "http://127.0.0.1:9");
  vi.stubEnv("NSIGHT_API_KEY", "test-key");
  vi.stubEnv("INSTANCE_NAME", "web-1");
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const { GET } = await import("./route");
  const response = GET();
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("GET /api/health", () => {
  it("says this process is alone without REDIS_URL", async () => {
    vi.stubEnv("REDIS_URL", undefined);
    const answer = await health({});
    expect(answer).toMatchObject({ status: "ok", demo: true, role: "alone", redis: "none" });
    expect(answer.instance).toMatch(/^web-1:[0-9a-f]{8}$/);
  });

  it("says follower, and whether Redis answers, with REDIS_URL before any election", async () => {
    redis = await startTestRedis();
    const first = await health({ REDIS_URL: redis.url });
    expect(first).toMatchObject({ role: "follower", instance: expect.stringMatching(/^web-1:/) });
    for (let i = 0; i < 100 && (await health({ REDIS_URL: redis.url })).redis !== "up"; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await health({ REDIS_URL: redis.url })).redis).toBe("up");
  });
});
