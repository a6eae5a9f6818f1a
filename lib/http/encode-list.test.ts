import { describe, expect, it } from "vitest";
import { encodeListSuccess, encodeSuccess } from "./api-route";

describe("encodeListSuccess", () => {
  const item = (i: number) => ({ sessionId: String(i), name: `"Genève" \u2028 <${i}> ${"é".repeat(i % 5)}`, size: i * 2 ** 40, missing: undefined, none: null });

  it.each([0, 1, 249, 250, 251, 1_000, 2_503])("encodes %i items to exactly the bytes of a single JSON.stringify", async (count) => {
    const result = { data: Array.from({ length: count }, (_, i) => item(i)), fetchedAt: Date.UTC(2026, 10, 30, 12), stale: count % 2 === 0 };
    const sliced = await encodeListSuccess(result);
    expect(sliced.json.equals(encodeSuccess(result).json)).toBe(true);
    expect(JSON.parse(sliced.json.toString("utf8")).data).toHaveLength(count);
  });

  it("hands the event loop back while encoding a long list", async () => {
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const big = Array.from({ length: 20_000 }, (_, i) => ({ ...item(i), padding: "x".repeat(2_000) }));
    await encodeListSuccess({ data: big, fetchedAt: 0, stale: false });
    counting = false;
    expect(turns).toBeGreaterThan(1);
  });
});
