
const MAX_ZONE_LENGTH = 64;
const ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

let byLowerCase: Map<string, string> | null = null;

function canonicalByLowerCase(): Map<string, string> {
  if (!byLowerCase) {
    const listed = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    byLowerCase = new Map([...listed, "UTC"].map((zone) => [zone.toLowerCase(), zone]));
  }
  return byLowerCase;
}

/** Null when Intl does not know it; offsets such as `+05:30` are not zones here (a link would not say which place). */
export function canonicalZone(name: string | null | undefined): string | null {
  if (!name || name.length > MAX_ZONE_LENGTH || !ZONE_SHAPE.test(name)) return null;
  const listed = canonicalByLowerCase().get(name.toLowerCase());
  if (listed) return listed;
  // Aliases (US/Eastern, Etc/GMT+5) are not listed, but Intl resolves them to one of its own names.
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    return ZONE_SHAPE.test(resolved) ? resolved : null;
  } catch {
    return null;
  }
}
