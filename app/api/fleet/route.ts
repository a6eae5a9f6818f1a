import { readFleetSnapshotInTurns } from "@/lib/data/fleet";
import { answerFor, API_QUERY_NAMES, fleetQueryKey, parseFleetQuery } from "@/lib/fleet/fleet-answer";
import type { FleetSnapshot } from "@/lib/fleet/types";
import { parseClientFilter } from "@/lib/http/client-filter";
import { apiRoute, encodeSuccess, RequestError } from "@/lib/http/api-route";
import type { EncodedAnswer } from "@/lib/http/encoded-answer";

// Per snapshot and page asked for, so each poll of every wall costs a lookup, not a JSON encoding and a gzip.
const encoded = new WeakMap<FleetSnapshot, Map<string, EncodedAnswer>>();
const PAGES_KEPT = 32;

// GET /api/fleet[?clients=1,2][&state=&client=&q=&page=&pageSize=&clientPage=]: counts and one page of problem tiles from the refresher's state (never calls N-sight).
export const GET = apiRoute({
  route: "GET /api/fleet",
  ids: [],
  query: ["clients", ...Object.values(API_QUERY_NAMES)],
  capability: "fleet.read",
  handler: async ({ principal, query }) => {
    const filter = parseClientFilter(query.get("clients"));
    const { query: asked, invalid } = parseFleetQuery((name) => query.get(name));
    if (invalid) throw new RequestError(invalid);
    // Only the clients the principal may see, whatever it asks for.
    const snapshot = await readFleetSnapshotInTurns(principal, filter);
    let answers = encoded.get(snapshot);
    if (!answers) encoded.set(snapshot, (answers = new Map()));
    const key = fleetQueryKey(asked);
    let answer = answers.get(key);
    if (!answer) {
      const newest = Date.parse(snapshot.newestReadAt ?? snapshot.asOf);
      answer = encodeSuccess({ data: answerFor(snapshot, asked), fetchedAt: newest, stale: snapshot.upstream.status === "failing" });
      if (answers.size >= PAGES_KEPT) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  },
});
