import { formatAge, formatCount, formatDateTime, formatTime } from "../format";
import type { FleetKnowledge } from "./types";

export interface KnowledgeText {
  headline: string;
  detail: string;
}

const TIME_ONLY_WITHIN_MS = 12 * 3_600_000;

function when(iso: string | null, now: number, zone: string | null): string {
  const text = iso && now - Date.parse(iso) < TIME_ONLY_WITHIN_MS ? formatTime(iso, zone ?? "UTC") : formatDateTime(iso, zone ?? "UTC", false);
  return zone ? text : `${text} UTC`;
}

function readSoFar(k: FleetKnowledge): string {
  if (k.total === 0 && k.discovering) return "discovering clients and devices in N-sight";
  return `${formatCount(k.read)} of ${formatCount(k.total)} devices${k.discovering ? " found so far" : ""}`;
}

const FAILING_HEADLINE = {
  auth_refused: "N-sight refuses the API key",
  unreachable: "N-sight is unreachable",
  throttled: "N-sight is throttling our calls",
} as const;

const FAILING_NEXT = {
  auth_refused: "Check NSIGHT_API_KEY and NSIGHT_SERVER.",
  unreachable: "It catches up by itself when N-sight answers again.",
  throttled: "Reads resume as soon as N-sight allows.",
} as const;

export function describeKnowledge(k: FleetKnowledge, now: number, zone: string | null): KnowledgeText | null {
  if (k.kind === "current") return null;
  if (k.kind === "reading") {
    const eta = k.estimatedDoneAt ? `; the full picture in about ${Math.max(1, Math.round((Date.parse(k.estimatedDoneAt) - now) / 60_000))} min` : "";
    return {
      headline: `Still reading: ${readSoFar(k)}`,
      detail: `Devices not read yet count as unknown, and the list of those that need attention is not complete${eta} (N-sight allows about one call a second).`,
    };
  }
  const incomplete =
    k.read === 0 ? " No device had been read." : k.discovering || k.read < k.total ? ` Only ${formatCount(k.read)} of ${formatCount(k.total)}${k.discovering ? " known" : ""} devices had been read.` : "";
  const known = k.lastAnswerAt
    ? `N-sight last answered ${formatAge(k.lastAnswerAt, now)}; every device shows its last known state and how old it is.${incomplete}`
    : "Nothing has been read from N-sight, so no device is known.";
  return {
    headline: `${FAILING_HEADLINE[k.kind]} since ${when(k.since, now, zone)}: nothing here is current`,
    detail: `${known} ${FAILING_NEXT[k.kind]}`,
  };
}
