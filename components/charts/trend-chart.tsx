"use client";

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { DeviceHistory } from "@/lib/device-view/history";
import { bucketLabel } from "@/lib/device-view/chart-format";
import { pluginLabel } from "@/lib/session-status";
import { anomalyLines, pluginColour } from "./transferred-chart";

type Row = Record<string, number | string | null>;

export function trendRows(history: DeviceHistory, series: (number | null)[][]): Row[] {
  return history.series.starts.map((start, b) => {
    const row: Row = { start };
    history.plugins.forEach((plugin, p) => {
      row[plugin] = series[p]![b] ?? null;
    });
    return row;
  });
}

export function trendMarks(series: (number | null)[][]): number {
  return series.reduce((sum, row) => sum + row.filter((v) => v !== null).length, 0);
}

export function TrendChart({
  history,
  series,
  format,
  exact,
  width,
  height,
  anomalies = [],
}: {
  history: DeviceHistory;
  series: (number | null)[][];
  format: (value: number) => string;
  exact?: (value: number) => string;
  width: number;
  height: number;
  anomalies?: readonly string[];
}) {
  return (
    <LineChart width={width} height={height} data={trendRows(history, series)} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
      <CartesianGrid strokeDasharray="3 3" stroke="var(--color-border)" vertical={false} />
      <XAxis dataKey="start" tickFormatter={(v: string) => bucketLabel(v, history.series.unit, history.zone)} stroke="var(--color-muted)" fontSize={12} minTickGap={24} />
      <YAxis tickFormatter={format} stroke="var(--color-muted)" fontSize={12} width="auto" />
      <Tooltip
        labelFormatter={(v) => bucketLabel(String(v), history.series.unit, history.zone, true)}
        formatter={(value, name) => [exact ? `${format(Number(value))} (${exact(Number(value))})` : format(Number(value)), pluginLabel(String(name))]}
        contentStyle={{ background: "var(--color-surface)", border: "1px solid var(--color-border)", fontSize: 12 }}
      />
      <Legend formatter={(value: string) => pluginLabel(value)} wrapperStyle={{ fontSize: 12 }} />
      {history.plugins.map((plugin) => (
        <Line
          key={plugin}
          dataKey={plugin}
          name={plugin}
          stroke={pluginColour(plugin)}
          strokeWidth={2}
          dot={false}
          connectNulls
          isAnimationActive={false}
          type="monotone"
        />
      ))}
      {anomalyLines(anomalies)}
    </LineChart>
  );
}
