import { afterAll, beforeAll, describe, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { startTestRedis, type TestRedis } from "../testing/redis-server";
import { until } from "../testing/until";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
  process.env.NSIGHT_API_KEY = "health-budget-key";
  process.env.NSIGHT_SERVER = "http://127.0.0.1:9";
  process.env.NSIGHT_DEMO = "0";
  process.env.REDIS_URL = redis.url;
});
afterAll(async () => {
  delete process.env.REDIS_URL;
  await redis?.close();
});

async function budgetMode(): Promise<string> {
  return ((await GET().json()) as { budget: string }).budget;
}

describe("GET /api/health with REDIS_URL", () => {
  it("says the budget is shared, an island while Redis is away, and shared again when it returns", async () => {
    await until(async () => (await budgetMode()) === "shared");
    await redis.stop();
    await until(async () => (await budgetMode()) === "island");
    await redis.start();
    await until(async () => (await budgetMode()) === "shared");
  });
});
