import { queryOptions } from "@tanstack/react-query";
import type { FleetSnapshot } from "../fleet/types";
import { fetchJson } from "./fetch-json";

export const fleetQueries = {
  snapshot: (clients: string[], refreshSeconds: number) =>
    queryOptions({
      queryKey: ["fleet", clients.join(",")],
      queryFn: ({ signal }) => fetchJson<FleetSnapshot>(`/api/fleet${clients.length ? `?clients=${clients.join(",")}` : ""}`, signal),
      refetchInterval: refreshSeconds * 1000,
      refetchIntervalInBackground: true,
      // A wall keeps its last data on screen and simply tries again at the next interval.
      retry: false,
      staleTime: 0,
    }),
};
