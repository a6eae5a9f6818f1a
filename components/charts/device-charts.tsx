"use client";

import type { ReactNode } from "react";
import type { DeviceHistory } from "@/lib/device-view/history";
import type { AnomalyRule } from "@/lib/health/anomalies";
import { bucketLabel } from "@/lib/device-view/chart-format";
import { formatBytes, formatDuration, formatExactBytes, type ByteUnits } from "@/lib/format";
import { pluginLabel, sessionStatusLook } from "@/lib/session-status";
import { ChartCard } from "./chart-card";
import { StatusStrip, statusMarks, statusStripHeight } from "./status-strip";
import { TransferredChart, transferredMarks } from "./transferred-chart";
import { TrendChart, trendMarks } from "./trend-chart";

const CHART_OF_RULE: Partial<Record<AnomalyRule, "transferred" | "duration" | "selection">> = {
  nothing_transferred: "transferred",
  transfer_spike: "transferred",
  transfer_drop: "transferred",
  slow: "duration",
  selection_shrank: "selection",
};

/** The buckets each chart marks, once each. */
function anomalyBuckets(history: DeviceHistory): Record<"transferred" | "duration" | "selection", string[]> {
  const out = { transferred: new Set<string>(), duration: new Set<string>(), selection: new Set<string>() };
  for (const a of history.anomalies) {
    const chart = CHART_OF_RULE[a.rule];
    if (chart && a.bucket) out[chart].add(a.bucket);
  }
  return { transferred: [...out.transferred], duration: [...out.duration], selection: [...out.selection] };
}

/** Loaded on demand: recharts is the heaviest thing we ship. */
export default function DeviceCharts({ history, units }: { history: DeviceHistory; units: ByteUnits }) {
  const flagged = anomalyBuckets(history);
  const empty = history.matching === 0;
  const state = empty ? "empty" : "ready";
  const unitWord = history.series.unit;
  const statusUnit = history.status.unit;
  return (
    <div className="grid gap-4 xl:grid-cols-2">
      <ChartCard
        id="transferred"
        title="Transferred size"
        state={state}
        marks={transferredMarks(history)}
        flags={flagged.transferred.length}
        summary={`${formatBytes(history.totals.transferred, units)} transferred in ${history.totals.sessions} sessions, per ${unitWord} and plugin.`}
        table={<SeriesTable history={history} series={history.series.transferred.map((row) => row.map((v) => (v > 0 ? v : null)))} format={(v) => `${formatBytes(v, units)} (${formatExactBytes(v)})`} />}
      >
        {(width) => <TransferredChart history={history} units={units} width={width} height={260} anomalies={flagged.transferred} />}
      </ChartCard>
      <ChartCard
        id="status"
        title={`Status per ${statusUnit}`}
        state={state}
        marks={statusMarks(history)}
        height={statusStripHeight(history)}
        summary={<StatusLegend />}
        table={<StatusTable history={history} />}
      >
        {(width) => <StatusStrip history={history} width={width} />}
      </ChartCard>
      <ChartCard
        id="duration"
        title="Duration"
        state={state}
        marks={trendMarks(history.series.maxDuration)}
        flags={flagged.duration.length}
        summary={`Longest session per ${unitWord}: a growing backup window shows here.`}
        table={<SeriesTable history={history} series={history.series.maxDuration} format={formatDuration} />}
      >
        {(width) => <TrendChart history={history} series={history.series.maxDuration} format={formatDuration} width={width} height={260} anomalies={flagged.duration} />}
      </ChartCard>
      <ChartCard
        id="selection"
        title="Selection size"
        state={state}
        marks={trendMarks(history.series.selection)}
        flags={flagged.selection.length}
        summary={`Size of the data selected for backup, per ${unitWord}: a drop to zero means the selection broke.`}
        table={<SeriesTable history={history} series={history.series.selection} format={(v) => `${formatBytes(v, units)} (${formatExactBytes(v)})`} />}
      >
        {(width) => (
          <TrendChart history={history} series={history.series.selection} format={(v) => formatBytes(v, units)} exact={formatExactBytes} width={width} height={260} anomalies={flagged.selection} />
        )}
      </ChartCard>
    </div>
  );
}

function StatusLegend() {
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1" aria-label="Status legend">
      {["COMPLETED", "COMPLETED_WITH_ERRORS", "INTERRUPTED", "FAILED", "NOT_STARTED", "CANCELED"].map((status) => {
        const look = sessionStatusLook(status);
        return (
          <li key={status} className="flex items-center gap-1">
            <span aria-hidden="true" className="inline-flex h-4 w-4 items-center justify-center rounded-sm text-[10px] text-black" style={{ background: look.fill }}>
              {look.icon}
            </span>
            {look.label}
          </li>
        );
      })}
    </ul>
  );
}

function Table({ head, rows }: { head: string[]; rows: ReactNode[][] }) {
  return (
    <table className="w-full text-left text-xs">
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col" className="border-b border-border px-2 py-1 font-semibold">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((cells, i) => (
          <tr key={i} className="border-b border-border last:border-0">
            {cells.map((cell, j) =>
              j === 0 ? (
                <th key={j} scope="row" className="px-2 py-1 font-normal">
                  {cell}
                </th>
              ) : (
                <td key={j} className="px-2 py-1">
                  {cell}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SeriesTable({ history, series, format }: { history: DeviceHistory; series: (number | null)[][]; format: (v: number) => string }) {
  const rows = history.series.starts
    .map((start, b) => ({ start, values: series.map((row) => row[b] ?? null) }))
    .filter((row) => row.values.some((v) => v !== null));
  return (
    <Table
      head={[history.series.unit === "hour" ? "Hour" : history.series.unit[0]!.toUpperCase() + history.series.unit.slice(1), ...history.plugins.map(pluginLabel)]}
      rows={rows.map((row) => [bucketLabel(row.start, history.series.unit, history.zone, true), ...row.values.map((v) => (v === null ? "—" : format(v)))])}
    />
  );
}

function StatusTable({ history }: { history: DeviceHistory }) {
  const rows = history.status.starts
    .map((start, c) => ({ start, values: history.status.worst.map((row) => row[c] ?? null) }))
    .filter((row) => row.values.some((v) => v !== null));
  return (
    <Table
      head={[history.status.unit === "day" ? "Day" : "Week", ...history.plugins.map(pluginLabel)]}
      rows={rows.map((row) => [bucketLabel(row.start, history.status.unit, history.zone, true), ...row.values.map((v) => (v === null ? "—" : sessionStatusLook(v).label))])}
    />
  );
}
