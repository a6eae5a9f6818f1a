import { ErrorState } from "@/components/ui/states";
import { currentTime } from "@/lib/clock";
import type { FleetSnapshot } from "@/lib/fleet/types";
import { safeZone } from "@/lib/format";
import { toUserError } from "@/lib/http/user-error";
import type { Principal } from "@/lib/auth/principal";
import { readFleetSnapshot, readNocSnapshot } from "@/lib/data/fleet";
import { withParams, type SearchParams } from "@/lib/view/list-view";
import { FleetOverview } from "./fleet-overview";

export function readFleet(principal: Principal, clientFilter?: ReadonlySet<string>, use: "overview" | "noc" = "overview"): FleetSnapshot | { title: string; message: string } {
  try {
    return use === "noc" ? readNocSnapshot(principal, clientFilter) : readFleetSnapshot(principal, clientFilter);
  } catch (error) {
    return toUserError(error, "Fleet health");
  }
}

/** Reads the refresher's state only: never calls N-sight. */
export function FleetSection({ snapshot, params }: { snapshot: ReturnType<typeof readFleet>; params: SearchParams }) {
  if ("title" in snapshot) return <ErrorState title={snapshot.title} message={snapshot.message} />;
  const zones = new Map(snapshot.clients.map((c) => [c.clientId, c.timezone ? safeZone(c.timezone) : null]));
  return (
    <FleetOverview
      snapshot={snapshot}
      now={currentTime()}
      zoneOf={(clientId) => zones.get(clientId) ?? null}
      showAllProblems={params.problems === "all"}
      allProblemsHref={withParams(params, { problems: "all" })}
    />
  );
}
