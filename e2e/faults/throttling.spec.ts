import { expect, test } from "@playwright/test";
import { SCENARIO } from "../../simulator/scenarios";
import { simulator } from "../support/simulator-control";

test("a 429 from N-sight is a 503 'throttled' with Retry-After, and holds every call back", async ({ request }) => {
  // The e2e simulator answers 429 with a short Retry-After; make it N-sight-like here.
  await simulator.setFaults({ retryAfterSeconds: 30 });
  let response;
  try {
    response = await request.get(`/api/devices/${SCENARIO.faults.throttled}/sessions`);
  } finally {
    // Whatever happened, the specs after this one see the simulator as it was.
    await simulator.setFaults({ retryAfterSeconds: 2 });
  }
  expect(response.status()).toBe(503);
  expect(response.headers()["retry-after"]).toBe("30");
  expect((await response.json()).error.code).toBe("throttled");

  // While paused, a request for something else waits instead of calling N-sight.
  const since = new Date().toISOString();
  // (A client no other test reads, so its sites are not cached; the refresher never asks
  // for sites.)
  const pending = request.get(`/api/clients/${SCENARIO.emptyClient}/sites`, { timeout: 50_000 });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(await simulator.requestsSince(since)).toEqual([]);
  expect((await pending).status()).toBe(200);
  const calls = await simulator.requestsSince(since, "list_sites");
  expect(calls.map((c) => c.params.clientid)).toEqual([SCENARIO.emptyClient]);
});
