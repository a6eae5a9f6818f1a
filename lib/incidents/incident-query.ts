/** The /incidents view in its URL, so a link carries it: client, state, kind and device. */
import { isNsightId } from "../ids";
import { firstParam, type SearchParams } from "../view/list-view";

export const INCIDENT_STATE_FILTERS = ["open", "resolved", "all"] as const;
export type IncidentStateFilter = (typeof INCIDENT_STATE_FILTERS)[number];
export const INCIDENT_KINDS = ["health", "anomaly"] as const;
export type IncidentKindFilter = (typeof INCIDENT_KINDS)[number];

export interface IncidentQuery {
  clientId: string | null;
  deviceId: string | null;
  state: IncidentStateFilter;
  kind: IncidentKindFilter | null;
}

/** Anything unrecognised means "no filter", never an error page. */
export function parseIncidentQuery(params: SearchParams): IncidentQuery {
  const client = firstParam(params, "client");
  const device = firstParam(params, "device");
  const state = firstParam(params, "state");
  const kind = firstParam(params, "kind");
  return {
    clientId: client && isNsightId(client) ? client : null,
    deviceId: device && isNsightId(device) ? device : null,
    state: INCIDENT_STATE_FILTERS.includes(state as IncidentStateFilter) ? (state as IncidentStateFilter) : "all",
    kind: INCIDENT_KINDS.includes(kind as IncidentKindFilter) ? (kind as IncidentKindFilter) : null,
  };
}

export function incidentsHref(query: Partial<IncidentQuery>): string {
  const params = new URLSearchParams();
  if (query.clientId) params.set("client", query.clientId);
  if (query.deviceId) params.set("device", query.deviceId);
  if (query.state && query.state !== "all") params.set("state", query.state);
  if (query.kind) params.set("kind", query.kind);
  const text = params.toString();
  return text ? `/incidents?${text}` : "/incidents";
}

export interface IncidentCounts {
  open: number;
  /** Of the open ones, those whose alerts a snooze or a maintenance window holds right now. */
  snoozed: number;
}

/** "3 open, 1 snoozed". */
export function describeIncidentCounts(counts: IncidentCounts): string {
  return `${counts.open} open ${counts.open === 1 ? "incident" : "incidents"}${counts.snoozed ? `, ${counts.snoozed} snoozed` : ""}`;
}

/** ISO weekday n (1 Monday … 7 Sunday) is WEEKDAY_NAMES[n - 1]. */
export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
