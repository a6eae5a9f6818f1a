import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { DeviceHistory, SessionPage } from "../device-view/history";
import { fetchJson } from "./fetch-json";

export const deviceQueries = {
  history: (deviceId: string, params: string, base = "") =>
    queryOptions({
      queryKey: ["devices", deviceId, "history", params, base],
      queryFn: ({ signal }) => fetchJson<DeviceHistory>(`${base}/api/devices/${deviceId}/history?${params}`, signal),
      placeholderData: keepPreviousData,
    }),
  table: (deviceId: string, params: string, base = "") =>
    queryOptions({
      queryKey: ["devices", deviceId, "sessions", "table", params, base],
      queryFn: ({ signal }) => fetchJson<SessionPage>(`${base}/api/devices/${deviceId}/sessions/table?${params}`, signal),
      placeholderData: keepPreviousData,
    }),
};
