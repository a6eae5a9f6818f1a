import { describe, expect, it } from "vitest";
import { displayName } from "./display-name";

describe("displayName", () => {
  it("shows bidirectional overrides as visible code points instead of letting them reorder text", () => {
    expect(displayName("LT-\u202EHTIMSJ", "x")).toBe("LT-⟨U+202E⟩HTIMSJ");
    expect(displayName("a\u2066b\u2069c\u200F", "x")).toBe("a⟨U+2066⟩b⟨U+2069⟩c⟨U+200F⟩");
  });

  it("keeps everything else as typed, markup included (React renders it as text)", () => {
    expect(displayName('<script>alert("x")</script> Labs', "x")).toBe('<script>alert("x")</script> Labs');
    expect(displayName("Zürich & Genève", "x")).toBe("Zürich & Genève");
  });

  it("falls back for an empty name", () => {
    expect(displayName("   ", "Device 7")).toBe("Device 7");
    expect(displayName(null, "Device 7")).toBe("Device 7");
  });
});
