import { afterEach, describe, expect, it, vi } from "vitest";
import { log } from "./log";

afterEach(() => vi.restoreAllMocks());

describe("log", () => {
  it("never writes a share link's token, wherever a /s/ path appears in a line", () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const token = "5lRuRFT_yJ3roYbgV18ijzLe51bktXQ3VVBUx1jGPCA";
    log("info", "request", { path: `/s/${token}/api/devices/1/history?range=7d` });
    log("error", "page.unexpected_error", { error: `Error: failed at http://127.0.0.1:3000/s/${token}` });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(token);
      expect(line).toContain("/s/[redacted]");
    }
  });
});
