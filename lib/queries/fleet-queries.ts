import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { FleetAnswer } from "../fleet/types";
import { fetchJson } from "./fetch-json";

export const fleetQueries = {
  /** One page of problem tiles (1-based) of `pageSize`, for a wall. */
  snapshot: (clients: string[], refreshSeconds: number, page = 1, pageSize = 25) =>
    queryOptions({
      queryKey: ["fleet", clients.join(","), page, pageSize],
      queryFn: ({ signal }) => {
        const params = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
        if (clients.length) params.set("clients", clients.join(","));
        return fetchJson<FleetAnswer>(`/api/fleet?${params.toString().replace(/%2C/g, ",")}`, signal);
      },
      refetchInterval: refreshSeconds * 1000,
      refetchIntervalInBackground: true,
      // A wall keeps its last page on screen while the next one loads, and simply tries again at the next interval.
      placeholderData: keepPreviousData,
      retry: false,
      staleTime: 0,
    }),
};
