import type { AlertIncident, AlertMessage } from "../types";

/** Cuts on a code point boundary and says so with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

const EVENT_TITLES: Record<AlertMessage["event"], string> = {
  "incident.opened": "Backup problem",
  "incident.resolved": "Backup recovered",
  "incident.reminder": "Backup problem still open",
  "nsight.unreachable": "N-sight unreachable",
  "nsight.recovered": "N-sight reachable again",
  test: "Test message",
};

export function eventTitle(message: AlertMessage): string {
  return EVENT_TITLES[message.event];
}

/** "SRV-01 · FileSystem" */
export function incidentHeading(incident: AlertIncident): string {
  return `${incident.deviceName} · ${incident.plugin}`;
}

/** "failed: The last backup failed (Acme / HQ)": what and where, in one line. */
export function incidentDetail(incident: AlertIncident): string {
  const state = incident.resolvedAt ? `resolved (was ${incident.state})` : incident.state;
  return `${state}: ${incident.reason} (${incident.clientName} / ${incident.siteName})`;
}

export function formatDuration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days ${hours % 24} h`;
}

/** For the nsight.* events: since when and what went wrong, in words. */
export function nsightDetail(message: AlertMessage): string | null {
  if (!message.nsight) return null;
  const parts = [
    message.nsight.failingSince ? `failing since ${message.nsight.failingSince}` : null,
    message.nsight.lastAnswerAt ? `last answer ${message.nsight.lastAnswerAt}` : null,
    message.nsight.problem,
  ].filter((p): p is string => !!p);
  return parts.length ? parts.join("; ") : null;
}
