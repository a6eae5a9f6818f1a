import { ErrorState } from "@/components/ui/states";
import { currentTime } from "@/lib/clock";
import { answerFor, parseFleetQuery, type FleetQueryNames } from "@/lib/fleet/fleet-answer";
import type { FleetSnapshot } from "@/lib/fleet/types";
import { safeZone } from "@/lib/format";
import { toUserError } from "@/lib/http/user-error";
import type { Principal } from "@/lib/auth/principal";
import { readFleetSnapshot, readNocSnapshot } from "@/lib/data/fleet";
import { firstParam, type SearchParams } from "@/lib/view/list-view";
import { FleetOverview } from "./fleet-overview";

/** The home page shares its URL with the clients table (q, sort, dir), so the fleet view's parameters say whose they are. */
export const HOME_FLEET_PARAMS: FleetQueryNames = {
  state: "problemState",
  client: "problemClient",
  text: "problemText",
  page: "problemPage",
  pageSize: "problemPageSize",
  clientPage: "clientPage",
};

export function readFleet(principal: Principal, clientFilter?: ReadonlySet<string>, use: "overview" | "noc" = "overview"): FleetSnapshot | { title: string; message: string } {
  try {
    return use === "noc" ? readNocSnapshot(principal, clientFilter) : readFleetSnapshot(principal, clientFilter);
  } catch (error) {
    return toUserError(error, "Fleet health");
  }
}

/** Reads the refresher's state only: never calls N-sight. Filters and pages on the server; a bad value in the URL falls back to its default. */
export function FleetSection({ snapshot, params }: { snapshot: ReturnType<typeof readFleet>; params: SearchParams }) {
  if ("title" in snapshot) return <ErrorState title={snapshot.title} message={snapshot.message} />;
  const { query } = parseFleetQuery((name) => firstParam(params, name), HOME_FLEET_PARAMS);
  const answer = answerFor(snapshot, query);
  const zones = new Map(answer.problems.concat(answer.anomalous).map((d) => [d.clientId, null as string | null]));
  for (const c of snapshot.clients) if (zones.has(c.clientId)) zones.set(c.clientId, c.timezone ? safeZone(c.timezone) : null);
  return <FleetOverview answer={answer} now={currentTime()} zoneOf={(clientId) => zones.get(clientId) ?? null} params={params} />;
}
