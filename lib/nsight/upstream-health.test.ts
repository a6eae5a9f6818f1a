import { describe, expect, it } from "vitest";
import type { CallEvent } from "./client";
import { UpstreamTracker } from "./upstream-health";

const T0 = Date.parse("2026-11-27T14:02:00Z");
const at = (ms: number) => new Date(ms).toISOString();

function tracker() {
  const clock = { now: T0 };
  const t = new UpstreamTracker(() => clock.now);
  const device = (outcome: CallEvent["outcome"], deviceid: string) => t.record({ outcome, service: "list_mob_sessions", params: { deviceid } });
  const clients = (outcome: CallEvent["outcome"]) => t.record({ outcome, service: "list_clients", params: {} });
  return { clock, t, device, clients };
}

describe("UpstreamTracker: why N-sight is failing", () => {
  it("a refused client list alone is a refused key, from its first refusal, with no success ever", () => {
    const { clock, t, clients } = tracker();
    clients("auth");
    clock.now += 15_000;
    clients("auth");
    expect(t.snapshot()).toEqual({ status: "failing", lastOkAt: null, failingSince: at(T0), lastProblem: "N-sight refused the API key", problem: "auth" });
  });

  it("an unreachable client list alone is N-sight unreachable (the only call before the inventory is read)", () => {
    const { t, clients } = tracker();
    clients("unavailable");
    expect(t.snapshot()).toMatchObject({ status: "failing", failingSince: at(T0), problem: "unreachable" });
  });

  it("one refused device is not the key; a second one is, and a refusal wins over later timeouts", () => {
    const { clock, t, device } = tracker();
    device("ok", "1");
    clock.now += 60_000;
    device("auth", "2");
    expect(t.snapshot()).toMatchObject({ status: "ok", lastOkAt: at(T0), problem: null });
    clock.now += 2_000;
    device("auth", "3");
    clock.now += 2_000;
    device("timeout", "4");
    expect(t.snapshot()).toEqual({ status: "failing", lastOkAt: at(T0), failingSince: at(T0 + 60_000), lastProblem: "N-sight refused the API key", problem: "auth" });
  });

  it("throttling on two resources is throttling; the latest kind counts when no key was refused", () => {
    const { clock, t, device } = tracker();
    device("throttled", "1");
    clock.now += 2_000;
    device("throttled", "2");
    expect(t.snapshot()).toMatchObject({ status: "failing", failingSince: at(T0), problem: "throttled", lastProblem: "N-sight asked us to slow down" });
    device("unavailable", "3");
    expect(t.snapshot()).toMatchObject({ problem: "unreachable", lastProblem: "N-sight could not be reached" });
  });

  it("a success clears everything, the refused key included", () => {
    const { clock, t, device, clients } = tracker();
    clients("auth");
    clock.now += 30_000;
    device("ok", "1");
    expect(t.snapshot()).toEqual({ status: "ok", lastOkAt: at(T0 + 30_000), failingSince: null, lastProblem: null, problem: null });
    device("bad_response", "2");
    device("not_found", "3");
    expect(t.snapshot().status).toBe("ok");
  });
});
