import "server-only";
import { isNsightId } from "../ids";
import { matchesFilter } from "../view/list-view";
import { compareProblems, PROBLEM_STATES } from "./snapshot";
import { selectFirst } from "./select-worst";
import type { FleetAnswer, FleetDevice, FleetPageInfo, FleetSnapshot, FleetTile, ProblemState } from "./types";

export const PROBLEM_PAGE_SIZE = 25;
export const MAX_PROBLEM_PAGE_SIZE = 100;
export const CLIENT_PAGE_SIZE = 100;
export const ANOMALOUS_SHOWN = 25;
const MAX_PAGE = 10_000;
const MAX_TEXT = 100;
const MAX_REASONS = 3;

export interface FleetQuery {
  state: ProblemState | null;
  client: string | null;
  text: string;
  page: number;
  pageSize: number;
  clientPage: number;
}

export const DEFAULT_FLEET_QUERY: FleetQuery = { state: null, client: null, text: "", page: 1, pageSize: PROBLEM_PAGE_SIZE, clientPage: 1 };

/** The parameter names of each field: the API's own, or prefixed where a page shares its URL with other lists. */
export type FleetQueryNames = Record<keyof FleetQuery, string>;
export const API_QUERY_NAMES: FleetQueryNames = { state: "state", client: "client", text: "q", page: "page", pageSize: "pageSize", clientPage: "clientPage" };

function wholeNumber(raw: string, min: number, max: number): number | null {
  if (!/^\d{1,6}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= min && n <= max ? n : null;
}

/** Each field that is absent or invalid takes its default; `invalid` names the first invalid one, for an API to refuse. */
export function parseFleetQuery(get: (name: string) => string | null | undefined, names: FleetQueryNames = API_QUERY_NAMES): { query: FleetQuery; invalid: string | null } {
  const query = { ...DEFAULT_FLEET_QUERY };
  let invalid: string | null = null;
  const field = <K extends keyof FleetQuery>(key: K, parse: (raw: string) => FleetQuery[K] | null, expected: string) => {
    const raw = get(names[key]);
    if (raw === null || raw === undefined || raw === "") return;
    const value = parse(raw);
    if (value === null) invalid ??= `Invalid ${names[key]}: expected ${expected}.`;
    else query[key] = value;
  };
  field("state", (raw) => (PROBLEM_STATES.has(raw as ProblemState) ? (raw as ProblemState) : null), "failed, overdue or warning");
  field("client", (raw) => (isNsightId(raw) ? raw : null), "a client id");
  field("text", (raw) => (raw.length <= MAX_TEXT ? raw.trim() : null), `at most ${MAX_TEXT} characters`);
  field("page", (raw) => wholeNumber(raw, 1, MAX_PAGE), `a page from 1 to ${MAX_PAGE}`);
  field("pageSize", (raw) => wholeNumber(raw, 1, MAX_PROBLEM_PAGE_SIZE), `1 to ${MAX_PROBLEM_PAGE_SIZE}`);
  field("clientPage", (raw) => wholeNumber(raw, 1, MAX_PAGE), `a page from 1 to ${MAX_PAGE}`);
  return { query, invalid };
}

export function fleetQueryKey(q: FleetQuery): string {
  return JSON.stringify([q.state, q.client, q.text, q.page, q.pageSize, q.clientPage]);
}

export function toTile(d: FleetDevice): FleetTile {
  return {
    deviceId: d.deviceId,
    name: d.name,
    clientId: d.clientId,
    clientName: d.clientName,
    siteId: d.siteId,
    siteName: d.siteName,
    state: d.state,
    worstPlugin: d.worstPlugin,
    worstStatus: d.plugins.find((p) => p.plugin === d.worstPlugin)?.lastStatus ?? null,
    since: d.since,
    lastSuccessAt: d.lastSuccessAt,
    failedInARow: d.failedInARow,
    anomalyCount: d.anomalies.length,
    anomalyReasons: d.anomalies.slice(0, MAX_REASONS).map((a) => a.reason),
    readAt: d.readAt,
    readError: d.readError !== null,
    stateChangedAt: d.stateChangedAt,
  };
}

/** The page asked for, or the last one when fewer remain (a wall's rotation or an old link). */
function pageOf(total: number, page: number, pageSize: number): FleetPageInfo {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return { page: Math.min(page, pages), pageSize, total, pages };
}

/** Counts, knowledge and one page of slim tiles out of a snapshot: one pass over its problems, a heap of one page's depth. */
export function answerFor(snapshot: FleetSnapshot, query: FleetQuery): FleetAnswer {
  const matches = (d: FleetDevice) =>
    (query.state === null || d.state === query.state) && (query.client === null || d.clientId === query.client) && matchesFilter(query.text, d.name, d.clientName, d.siteName);
  const matching = query.state === null && query.client === null && query.text === "" ? snapshot.problems : snapshot.problems.filter(matches);
  const problemPage = pageOf(matching.length, query.page, query.pageSize);
  const skip = (problemPage.page - 1) * problemPage.pageSize;
  const problems = selectFirst(matching, skip + problemPage.pageSize, compareProblems).slice(skip).map(toTile);
  const clientPage = pageOf(snapshot.clients.length, query.clientPage, CLIENT_PAGE_SIZE);
  const clientSkip = (clientPage.page - 1) * CLIENT_PAGE_SIZE;
  return {
    asOf: snapshot.asOf,
    counts: snapshot.counts,
    total: snapshot.total,
    progress: snapshot.progress,
    upstream: snapshot.upstream,
    knowledge: snapshot.knowledge,
    newestReadAt: snapshot.newestReadAt,
    problems,
    problemPage: { ...problemPage, filter: { state: query.state, client: query.client, text: query.text } },
    anomalous: selectFirst(snapshot.anomalous, ANOMALOUS_SHOWN, compareProblems).map(toTile),
    anomalousTotal: snapshot.anomalous.length,
    clients: snapshot.clients.slice(clientSkip, clientSkip + CLIENT_PAGE_SIZE),
    clientPage,
  };
}
