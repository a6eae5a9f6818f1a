import { expect, test } from "@playwright/test";
import { SCENARIO } from "../../simulator/scenarios";
import { simulator } from "../support/simulator-control";

test("a 429 from N-sight is a 503 'throttled' with Retry-After, and holds every call back", async ({ request }) => {
  await simulator.setFaults({ retryAfterSeconds: 30 });
  let response;
  try {
    response = await request.get(`/api/devices/${SCENARIO.faults.throttled}/sessions`);
  } finally {
    await simulator.setFaults({ retryAfterSeconds: 2 });
  }
  expect(response.status()).toBe(503);
  expect(response.headers()["retry-after"]).toBe("30");
  expect((await response.json()).error.code).toBe("throttled");

  const since = new Date().toISOString();
  // Uncached: no other test reads this client's sites, and the refresher never asks for sites.
  const pending = request.get(`/api/clients/${SCENARIO.emptyClient}/sites`, { timeout: 50_000 });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(await simulator.requestsSince(since)).toEqual([]);
  expect((await pending).status()).toBe(200);
  const calls = await simulator.requestsSince(since, "list_sites");
  expect(calls.map((c) => c.params.clientid)).toEqual([SCENARIO.emptyClient]);
});
