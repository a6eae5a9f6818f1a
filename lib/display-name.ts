/**
 * A name from N-sight as it is shown. Names are free text typed by whoever set up a client or
 * device; React already renders markup in them as text, but bidirectional control characters
 * (a right-to-left override makes "LT-\u202EHTIMSJ" look like "LT-JSMITH") would still reorder
 * what people read. They are shown as visible code points instead, so nothing can be spoofed.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function displayName(name: string | null | undefined, fallback: string): string {
  const trimmed = (name ?? "").trim();
  if (!trimmed) return fallback;
  return trimmed.replace(BIDI_CONTROLS, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟩`);
}
