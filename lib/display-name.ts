// Bidirectional controls are shown as code points: a right-to-left override would make "LT-\u202EHTIMSJ" read "LT-JSMITH".
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function displayName(name: string | null | undefined, fallback: string): string {
  const trimmed = (name ?? "").trim();
  if (!trimmed) return fallback;
  return trimmed.replace(BIDI_CONTROLS, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟩`);
}
