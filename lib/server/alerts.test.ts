import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AlertEngine } from "../alerts/engine";
import type { FleetRefresher } from "../fleet/refresher";
import { openStore, type Store } from "../store/db";
import { AlertService } from "./alerts";

let dir: string;
let db: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "alert-service-"));
  db = await openStore(dir);
});

afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe("AlertService", () => {
  it("evaluates when the fleet changed or half a minute passed, not on every tick", async () => {
    let clock = Date.parse("2026-11-30T12:00:00Z");
    let version = 1;
    const view: ReturnType<FleetRefresher["alertView"]> = {
      version,
      devices: [],
      clients: [],
      knowledge: { kind: "current", since: null, read: 0, total: 0, discovering: false, lastAnswerAt: null, estimatedDoneAt: null },
      upstream: { status: "ok", lastOkAt: null, failingSince: null, lastProblem: null, problem: null },
    };
    const engine = new AlertEngine({ db, sender: { deliver: async () => ({ ok: true, statusCode: 200 }) }, config: { repeatMs: 86_400_000, groupMs: 60_000, unreachableAfterMs: 900_000 }, publicUrl: null, now: () => clock });
    const evaluate = vi.spyOn(engine, "evaluate");
    const service = new AlertService(engine, db, { alertViewInTurns: async () => ({ ...view, version }) }, () => clock);
    expect(await service.tick()).toBe(5_000);
    clock += 5_000;
    await service.tick();
    expect(evaluate).toHaveBeenCalledTimes(1);
    version++;
    await service.tick();
    expect(evaluate).toHaveBeenCalledTimes(2);
    clock += 30_000;
    await service.tick();
    expect(evaluate).toHaveBeenCalledTimes(3);
  });

  it("a demoted instance neither judges nor delivers, even when the lease is lost between the two", async () => {
    const view: ReturnType<FleetRefresher["alertView"]> = {
      version: 1,
      devices: [],
      clients: [],
      knowledge: { kind: "current", since: null, read: 0, total: 0, discovering: false, lastAnswerAt: null, estimatedDoneAt: null },
      upstream: { status: "ok", lastOkAt: null, failingSince: null, lastProblem: null, problem: null },
    };
    const engine = new AlertEngine({ db, sender: { deliver: async () => ({ ok: true, statusCode: 200 }) }, config: { repeatMs: 86_400_000, groupMs: 60_000, unreachableAfterMs: 900_000 }, publicUrl: null });
    const evaluate = vi.spyOn(engine, "evaluate");
    const dispatch = vi.spyOn(engine, "dispatchDue");
    // Leads at the first check only: the lease is lost while the evaluation runs.
    let checks = 0;
    const service = new AlertService(engine, db, { alertViewInTurns: async () => view }, Date.now, () => ++checks === 1);
    await service.tick();
    expect(evaluate).toHaveBeenCalledTimes(1);
    expect(dispatch).not.toHaveBeenCalled();
    await service.tick();
    expect(evaluate).toHaveBeenCalledTimes(1);
  });
});
