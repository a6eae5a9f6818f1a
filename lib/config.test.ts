import { afterEach, describe, expect, it, vi } from "vitest";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

async function clusterConfigWith(env: Record<string, string>) {
  Object.assign(process.env, env);
  const { getClusterConfig, isConfigError } = await import("./config");
  try {
    return { config: getClusterConfig(), error: null };
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return { config: null, error: error.message };
  }
}

describe("cluster configuration", () => {
  it("is one process with nothing shared when no variable is set", async () => {
    delete process.env.REDIS_URL;
    delete process.env.DATABASE_URL;
    delete process.env.MAX_INSTANCES;
    expect((await clusterConfigWith({})).config).toEqual({ redisUrl: null, databaseUrl: null, maxInstances: 3, instanceName: null });
  });

  it("names every variable that is wrong, at once", async () => {
    const { error } = await clusterConfigWith({ MAX_INSTANCES: "0", INSTANCE_NAME: "x".repeat(101) });
    expect(error).toMatch(/^Invalid configuration: /);
    expect(error).toContain("MAX_INSTANCES");
    expect(error).toContain("INSTANCE_NAME");
  });

  it("refuses a Redis or PostgreSQL URL of another scheme", async () => {
    expect((await clusterConfigWith({ REDIS_URL: "http://127.0.0.1:6379" })).error).toContain("REDIS_URL must start with redis://");
    vi.resetModules();
    expect((await clusterConfigWith({ REDIS_URL: "redis://127.0.0.1:6379", DATABASE_URL: "mysql://db/x" })).error).toContain("DATABASE_URL must start with postgres://");
  });

  it("scrubs the Redis and PostgreSQL passwords from logs", async () => {
    Object.assign(process.env, { REDIS_URL: "redis://:r3dis-pass@10.0.0.20:6379", DATABASE_URL: "postgres://dash:pg-p%40ss@db:5432/d" });
    const { secretsToRedact } = await import("./config");
    expect(secretsToRedact()).toEqual(expect.arrayContaining(["r3dis-pass", "pg-p@ss"]));
  });
});
