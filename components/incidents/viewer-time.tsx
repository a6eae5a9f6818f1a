"use client";

import { useBrowserZone } from "@/components/hooks/use-now";
import { formatDateTime } from "@/lib/format";

/** An instant in the viewer's own zone; UTC (and said so) until hydration tells which zone that is. */
export function ViewerTime({ ms }: { ms: number | null }) {
  const zone = useBrowserZone();
  if (ms === null) return <span className="text-muted">—</span>;
  const iso = new Date(ms).toISOString();
  return <time dateTime={iso}>{zone ? formatDateTime(iso, zone, false) : `${formatDateTime(iso, "UTC", false)} UTC`}</time>;
}

export function ViewerZoneNote() {
  const zone = useBrowserZone();
  return <span data-viewer-zone={zone ?? "UTC"}>Times in {zone ? `your zone (${zone})` : "UTC"}.</span>;
}
