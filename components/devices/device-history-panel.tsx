"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { notFound } from "next/navigation";
import { Suspense, use, type ReactNode } from "react";
import { ChartCard } from "@/components/charts/chart-card";
import { EmptyState, ErrorState } from "@/components/ui/states";
import { RetryButton } from "@/components/ui/retry-button";
import { dataParams } from "@/lib/device-view/view";
import { useNow } from "@/components/hooks/use-now";
import { formatAge } from "@/lib/format";
import { useDeviceApiBase } from "@/components/devices/device-api";
import { deviceQueries } from "@/lib/queries/device-queries";
import { ApiClientError } from "@/lib/queries/fetch-json";
import { AnomalyList } from "./anomaly-list";
import { DeviceSummary } from "./device-summary";
import { useDeviceView } from "./use-device-view";

const CHART_IDS: [string, string][] = [
  ["transferred", "Transferred size"],
  ["status", "Status per day"],
  ["duration", "Duration"],
  ["selection", "Selection size"],
];

function ChartsLoading() {
  return (
    <div className="grid gap-4 xl:grid-cols-2">
      {CHART_IDS.map(([id, title]) => (
        <ChartCard key={id} id={id} title={title} state="loading" height={id === "status" ? 112 : 260} />
      ))}
    </div>
  );
}

const DeviceCharts = dynamic(() => import("@/components/charts/device-charts"), { ssr: false, loading: ChartsLoading });

export interface BackupFlag {
  backupEnabled: boolean | null;
}

function NoSessionsAtAll({ backup }: { backup: Promise<BackupFlag | null> }) {
  const flag = use(backup);
  if (flag?.backupEnabled === false) {
    return (
      <EmptyState title="Backup & Recovery is not enabled on this device">
        N-sight keeps backup history only while Backup & Recovery is on. Enable it in N-sight to see sessions here.
      </EmptyState>
    );
  }
  return <EmptyState title="No backup sessions recorded for this device">N-sight has not recorded any Backup & Recovery session yet.</EmptyState>;
}

/** `incidents` comes after the state and the plugin cards: on a phone those fill the first screen. */
export function DeviceHistoryPanel({
  deviceId,
  zone,
  backup,
  incidents,
  controls,
}: {
  deviceId: string;
  zone: string;
  backup: Promise<BackupFlag | null>;
  incidents?: ReactNode;
  controls: ReactNode;
}) {
  const { view, update } = useDeviceView();
  const query = useQuery(deviceQueries.history(deviceId, dataParams(view, zone).toString(), useDeviceApiBase()));
  // The history loads in the browser, so the server never renders an age: its time only has to match hydration.
  const now = useNow(30_000, query.dataUpdatedAt);

  if (query.isError && query.error instanceof ApiClientError && query.error.status === 404) notFound();

  // One shape in every state, so the controls are never remounted (focus and an open "View" stay).
  const history = query.data?.data;
  const meta = query.data?.meta;
  const failed = query.isError && !query.data;
  return (
    <div className="space-y-4" aria-busy={query.isFetching}>
      {history && meta && (
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted sm:text-sm">
          <span>
            Read from N-sight <time dateTime={meta.fetchedAt}>{formatAge(meta.fetchedAt, now)}</time>
            {meta.stale && <strong className="ml-1 text-status-warning">(stale: N-sight could not be refreshed)</strong>}
          </span>
          <span>Times in {history.zone}</span>
          {query.isError && (
            <span role="alert" className="text-status-failed">
              Refresh failed: {query.error.message} <RetryButton onRetry={() => query.refetch()} />
            </span>
          )}
        </div>
      )}
      {query.isPending && <div className="h-40 animate-pulse rounded-lg bg-surface-muted" role="status" aria-label="Loading the device's backup history…" />}
      {failed && <ErrorState title="Could not load the backup history" message={query.error.message} retry={<RetryButton onRetry={() => query.refetch()} />} />}
      {history?.firstSessionAt === null && (
        <Suspense fallback={<EmptyState title="No backup sessions recorded for this device" />}>
          <NoSessionsAtAll backup={backup} />
        </Suspense>
      )}
      {history && history.firstSessionAt !== null && <DeviceSummary history={history} units={view.units} range={view.range} now={now} />}
      {incidents}
      {controls}
      {history && history.firstSessionAt !== null && history.matching === 0 && (
        <EmptyState title="No sessions in this range">
          {view.types.length || view.plugins.length || view.statuses.length ? "Change the filters or the range, or " : "Choose a longer range, or "}
          <button type="button" className="text-accent underline" onClick={() => update({ range: "all", types: [], plugins: [], statuses: [] })}>
            show all history
          </button>
          .
        </EmptyState>
      )}
      {query.isPending && <ChartsLoading />}
      {history && history.firstSessionAt !== null && <DeviceCharts history={history} units={view.units} />}
      {history && history.firstSessionAt !== null && <AnomalyList history={history} />}
    </div>
  );
}
