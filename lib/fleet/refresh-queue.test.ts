import { storedDevice } from "../testing/stored-device";
import { describe, expect, it } from "vitest";
import type { StoredDevice } from "./fleet-store";
import { MinHeap, RefreshQueue } from "./refresh-queue";
import { DEFAULT_REFRESHER_POLICY as POLICY, pickNextDevice } from "./refresh-schedule";

const MIN = 60_000;
const T = Date.parse("2026-11-30T12:00:00.000Z");
const at = (ms: number) => new Date(ms).toISOString();

/** Deterministic, so a failure names its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function device(deviceId: string, rnd: () => number, now: number): StoredDevice {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const read = rnd() < 0.8;
  // Coarse times make ties in readAt, so the last tie-break (fleet order) is exercised too.
  const readAt = read ? at(now - Math.floor(rnd() * 12) * 10 * MIN) : null;
  return storedDevice({
    deviceId,
    backupEnabled: rnd() < 0.9,
    state: pick(["ok", "ok", "ok", "failed", "warning", "overdue", "unknown"] as const),
    readAt,
    readError: rnd() < 0.1 ? "timeout" : null,
    nextBackupDueAt: rnd() < 0.7 ? at(now + Math.floor((rnd() - 0.3) * 12) * 10 * MIN) : null,
  });
}

describe("MinHeap", () => {
  it("pops in order whatever the order of pushes", () => {
    const rnd = random(1);
    const heap = new MinHeap<number>((a, b) => a < b);
    const values = Array.from({ length: 500 }, () => Math.floor(rnd() * 100));
    for (const v of values) heap.push(v);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    expect(out).toEqual([...values].sort((a, b) => a - b));
  });
});

describe("RefreshQueue against the scan of every device", () => {
  it.each([
    [1, POLICY],
    [2, POLICY],
    [3, POLICY],
    [4, POLICY],
    [5, POLICY],
    [6, { ...POLICY, minRereadMs: 90_000 }],
    [7, { ...POLICY, minRereadMs: 90_000 }],
    [8, { ...POLICY, dueWatchMs: 20 * MIN }],
  ])("picks what pickNextDevice picks on a random fleet and clock (seed %i)", (seed, policy) => {
    const rnd = random(seed);
    let now = T;
    const devices = new Map<string, StoredDevice>();
    const attempted = new Map<string, number>();
    const busy = new Set<string>();
    const queue = new RefreshQueue(policy, (id) => attempted.get(id));
    const set = (d: StoredDevice) => {
      devices.set(d.deviceId, d);
      queue.update(d);
    };
    for (let i = 0; i < 200; i++) set(device(`d${i}`, rnd, now));
    let picks = 0;
    for (let step = 0; step < 1_500; step++) {
      now += Math.floor(rnd() * 4 * MIN);
      const isBusy = (id: string) => busy.has(id);
      const expected = pickNextDevice(devices.values(), now, policy, (id) => attempted.get(id), isBusy);
      const got = queue.pick(now, isBusy);
      expect(got?.deviceId ?? null, `seed ${seed} step ${step}`).toBe(expected?.deviceId ?? null);
      const roll = rnd();
      if (got && roll < 0.6) {
        // A read: attempted now, then (usually) the new state.
        picks++;
        attempted.set(got.deviceId, now);
        queue.attemptChanged(got.deviceId);
        if (rnd() < 0.15) busy.add(got.deviceId);
        else set({ ...device(got.deviceId, rnd, now), readAt: at(now), backupEnabled: true });
      } else if (roll < 0.7) {
        const id = [...busy][0];
        if (id) busy.delete(id);
      } else if (roll < 0.75) {
        const id = `d${Math.floor(rnd() * 260)}`;
        if (rnd() < 0.5) {
          devices.delete(id);
          queue.delete(id);
        } else set(device(id, rnd, now));
      } else if (roll < 0.78) {
        // An outage forgives the last attempt.
        const id = [...attempted.keys()][Math.floor(rnd() * attempted.size)];
        if (id) {
          attempted.delete(id);
          queue.attemptChanged(id);
        }
      }
    }
    expect(picks).toBeGreaterThan(100);
  });

  it("keeps its heaps bounded by the fleet however often devices change", () => {
    const rnd = random(9);
    const queue = new RefreshQueue(POLICY, () => undefined);
    const d = device("d1", rnd, T);
    for (let i = 0; i < 10_000; i++) queue.update({ ...d, readAt: at(T + i) });
    const heaps = queue as unknown as { ready: MinHeap<unknown>; waiting: MinHeap<unknown> };
    expect(heaps.ready.size + heaps.waiting.size).toBeLessThan(200);
  });
});
