import { describe, expect, it } from "vitest";
import { accountIdentity, beforeConfirmation, isSameAccount, keyHint, normaliseServer, type AccountIdentity } from "./account";

const US = "https://www.systemmonitor.us";
const KEY = "0123456789abcdef0123456789abcdef";
const stored = (clientIds: string[], server: string | null = US, hint: string | null = keyHint(KEY)): AccountIdentity => ({ server, clientIds, keyHint: hint });
const answering = (clientIds: string[], server = US) => accountIdentity({ server, keyHint: keyHint("another key") }, clientIds.map((clientId) => ({ clientId })));
const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

describe("normaliseServer", () => {
  it("spells one server one way whatever NSIGHT_SERVER looked like", () => {
    for (const spelling of ["https://www.systemmonitor.us", "https://WWW.SystemMonitor.US/", "https://www.systemmonitor.us:443", "https://www.systemmonitor.us.//"]) {
      expect(normaliseServer(new URL(spelling)), spelling).toBe(US);
    }
    expect(normaliseServer(new URL("http://127.0.0.1:4010/"))).toBe("http://127.0.0.1:4010");
    expect(normaliseServer(new URL("http://127.0.0.1:4011"))).not.toBe("http://127.0.0.1:4010");
    expect(normaliseServer(new URL("https://wwweurope1.systemmonitor.eu.com"))).not.toBe(US);
  });
});

describe("keyHint", () => {
  it("is the same for the same key, another for another, and does not contain the key", () => {
    expect(keyHint(KEY)).toBe(keyHint(KEY));
    expect(keyHint(KEY)).not.toBe(keyHint(`${KEY.slice(0, -1)}0`));
    expect(keyHint(KEY)).toMatch(/^[0-9a-f]{16}$/);
    for (let i = 0; i + 8 <= KEY.length; i++) expect(keyHint(KEY)).not.toContain(KEY.slice(i, i + 8));
  });
});

describe("beforeConfirmation", () => {
  const expected = { server: US, keyHint: keyHint(KEY) };

  it("shows the same server's state read with the same key at once", () => {
    expect(beforeConfirmation(stored(["1"]), expected)).toBe("show");
  });

  it("sets another server's state aside without asking N-sight", () => {
    expect(beforeConfirmation(stored(["1"], "http://127.0.0.1:4010"), expected)).toBe("set_aside");
  });

  it("holds back the same server's state read with another key, or one that does not say", () => {
    expect(beforeConfirmation(stored(["1"], US, keyHint("old key")), expected)).toBe("hold");
    expect(beforeConfirmation(stored(["1"], US, null), expected)).toBe("hold");
    expect(beforeConfirmation(stored(["1"], null, null), expected)).toBe("hold");
    expect(beforeConfirmation(stored(["1"], null, keyHint(KEY)), expected)).toBe("hold");
  });
});

describe("isSameAccount", () => {
  it("keeps the account through clients added and removed", () => {
    expect(isSameAccount(stored(ids(100, 10)), answering(ids(100, 10)))).toBe(true);
    expect(isSameAccount(stored(ids(100, 10)), answering(ids(105, 5)))).toBe(true);
    expect(isSameAccount(stored(ids(100, 2)), answering(ids(100, 42)))).toBe(true);
    expect(isSameAccount(stored(ids(100, 10)), answering([...ids(100, 6), ...ids(900, 4)]))).toBe(true);
  });

  it("tells another account on the same server by its clients", () => {
    expect(isSameAccount(stored(ids(100, 10)), answering(ids(200, 10)))).toBe(false);
    expect(isSameAccount(stored(ids(100, 10)), answering([...ids(106, 4), ...ids(200, 30)]))).toBe(false);
    expect(isSameAccount(stored(ids(100, 3)), answering([]))).toBe(false);
  });

  it("never takes another server's state, whatever its clients", () => {
    expect(isSameAccount(stored(ids(100, 10), "http://127.0.0.1:4010"), answering(ids(100, 10)))).toBe(false);
  });

  it("judges a state that does not know its server by its clients alone", () => {
    expect(isSameAccount(stored(ids(100, 4), null, null), answering(ids(100, 4)))).toBe(true);
    expect(isSameAccount(stored(ids(100, 4), null, null), answering(ids(500, 4)))).toBe(false);
  });

  it("compares ids as N-sight spells them, sorted and without repeats", () => {
    const identity = accountIdentity({ server: US, keyHint: null }, [{ clientId: "30" }, { clientId: "4" }, { clientId: "30" }]);
    expect(identity).toEqual({ server: US, clientIds: ["30", "4"], keyHint: null });
  });
});
