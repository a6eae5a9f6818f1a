import { beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";

beforeAll(() => {
  process.env.NSIGHT_API_KEY = "health-local-key";
  process.env.NSIGHT_SERVER = "http://127.0.0.1:9";
  process.env.NSIGHT_DEMO = "0";
  delete process.env.REDIS_URL;
});

describe("GET /api/health without REDIS_URL", () => {
  it("answers as before, with the process's own budget", async () => {
    const response = GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", demo: false, budget: "local", role: "alone", redis: "none", instance: expect.any(String) });
  });
});
