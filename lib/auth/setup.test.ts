import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store, type StoreLocation } from "../store/db";
import { storeBackends } from "../testing/store-backends";
import { announceSetupLink, consumeSetupToken, SETUP_VALID_MS, setupTokenValid } from "./setup";

beforeAll(() => {
  process.env.NSIGHT_DEMO = "0";
});

describe.each(storeBackends())("the first administrator's setup link on $name", (backend) => {
  let location: StoreLocation;
  let first: Store;
  let second: Store;

  beforeEach(async () => {
    location = await backend.fresh();
    first = await openStore(location);
    second = await openStore(location);
  });
  afterEach(async () => {
    await first.destroy();
    await second.destroy();
    backend.dispose(location);
  });

  it("works from the log of whichever instance printed it, and once only: the first used ends every link", async () => {
    const fromFirst = (await announceSetupLink(first, 1_000))!;
    const fromSecond = (await announceSetupLink(second, 2_000))!;
    expect(await setupTokenValid(second, fromFirst, 3_000)).toBe(true);
    expect(await setupTokenValid(first, fromSecond, 3_000)).toBe(true);
    expect(await setupTokenValid(first, fromFirst, 1_000 + SETUP_VALID_MS)).toBe(false);
    expect(await consumeSetupToken(second, fromFirst)).toBe(true);
    expect(await setupTokenValid(first, fromSecond, 3_000)).toBe(false);
    expect(await consumeSetupToken(first, fromSecond)).toBe(false);
  });

  it("lets exactly one of two links used at the same moment make the administrator", async () => {
    const a = (await announceSetupLink(first, 1_000))!;
    const b = (await announceSetupLink(second, 1_000))!;
    const used = await Promise.all([consumeSetupToken(first, a), consumeSetupToken(second, b)]);
    expect(used.filter(Boolean)).toHaveLength(1);
  });

  it("forgets expired links when it announces a new one", async () => {
    await announceSetupLink(first, 1_000);
    await announceSetupLink(second, 2_000 + SETUP_VALID_MS);
    expect(await first.selectFrom("settings").select("key").execute()).toHaveLength(1);
  });
});
