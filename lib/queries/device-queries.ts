import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { DeviceHistory, SessionPage } from "../device-view/history";
import { fetchJson } from "./fetch-json";

export const deviceQueries = {
  history: (deviceId: string, params: string) =>
    queryOptions({
      queryKey: ["devices", deviceId, "history", params],
      queryFn: ({ signal }) => fetchJson<DeviceHistory>(`/api/devices/${deviceId}/history?${params}`, signal),
      placeholderData: keepPreviousData,
    }),
  table: (deviceId: string, params: string) =>
    queryOptions({
      queryKey: ["devices", deviceId, "sessions", "table", params],
      queryFn: ({ signal }) => fetchJson<SessionPage>(`/api/devices/${deviceId}/sessions/table?${params}`, signal),
      placeholderData: keepPreviousData,
    }),
};
