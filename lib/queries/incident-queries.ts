import { queryOptions } from "@tanstack/react-query";
import type { IncidentCounts } from "../incidents/incident-query";
import { fetchJson } from "./fetch-json";

export const incidentQueries = {
  counts: (clients: string[], refreshSeconds: number) =>
    queryOptions({
      queryKey: ["incidents", "counts", clients.join(",")],
      queryFn: ({ signal }) => fetchJson<IncidentCounts>(`/api/incidents/counts${clients.length ? `?clients=${clients.join(",")}` : ""}`, signal),
      refetchInterval: refreshSeconds * 1000,
      refetchIntervalInBackground: true,
      retry: false,
      staleTime: 0,
    }),
};
