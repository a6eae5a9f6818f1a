"use client";

import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { DeviceHistory } from "@/lib/device-view/history";
import { bucketLabel, bytesTick } from "@/lib/device-view/chart-format";
import { formatBytes, formatExactBytes, type ByteUnits } from "@/lib/format";
import { PLUGIN_COLOURS, pluginLabel } from "@/lib/session-status";
import { BACKUP_PLUGINS } from "@/lib/types";

export function pluginColour(plugin: string): string {
  const index = (BACKUP_PLUGINS as readonly string[]).indexOf(plugin);
  return PLUGIN_COLOURS[index >= 0 ? index : PLUGIN_COLOURS.length - 1]!;
}

type Row = Record<string, number | string | undefined>;

/** One row per bucket; a plugin with nothing transferred has no key, so no bar is drawn. */
export function transferredRows(history: DeviceHistory): Row[] {
  return history.series.starts.map((start, b) => {
    const row: Row = { start };
    history.plugins.forEach((plugin, p) => {
      const value = history.series.transferred[p]![b]!;
      if (value > 0) row[plugin] = value;
    });
    return row;
  });
}

export function transferredMarks(history: DeviceHistory): number {
  return history.series.transferred.reduce((sum, row) => sum + row.filter((v) => v > 0).length, 0);
}

function TooltipBody({ active, payload, label, history, units }: { active?: boolean; payload?: { dataKey?: unknown; value?: unknown }[]; label?: unknown; history: DeviceHistory; units: ByteUnits }) {
  if (!active || !payload?.length) return null;
  return (
    <div className="rounded border border-border bg-surface p-2 text-xs shadow">
      <p className="font-semibold">{bucketLabel(String(label), history.series.unit, history.zone, true)}</p>
      <ul>
        {payload.map((item) => (
          <li key={String(item.dataKey)}>
            {pluginLabel(String(item.dataKey))}: {formatBytes(Number(item.value), units)} ({formatExactBytes(Number(item.value))})
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A dashed line with a warning sign at each bucket holding a quiet failure; the list under the charts says what it is. */
export function anomalyLines(buckets: readonly string[]) {
  return buckets.map((bucket) => (
    <ReferenceLine
      key={bucket}
      x={bucket}
      stroke="var(--status-warning)"
      strokeDasharray="4 3"
      ifOverflow="extendDomain"
      label={{ value: "⚠", position: "insideTop", fill: "var(--status-warning)", fontSize: 14 }}
      className="anomaly-mark"
    />
  ));
}

export function TransferredChart({ history, units, width, height, anomalies = [] }: { history: DeviceHistory; units: ByteUnits; width: number; height: number; anomalies?: readonly string[] }) {
  return (
    <BarChart width={width} height={height} data={transferredRows(history)} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
      <CartesianGrid strokeDasharray="3 3" stroke="var(--color-border)" vertical={false} />
      <XAxis dataKey="start" tickFormatter={(v: string) => bucketLabel(v, history.series.unit, history.zone)} stroke="var(--color-muted)" fontSize={12} minTickGap={24} />
      <YAxis tickFormatter={bytesTick(units)} stroke="var(--color-muted)" fontSize={12} width={72} />
      <Tooltip content={<TooltipBody history={history} units={units} />} cursor={{ fill: "var(--color-surface-muted)" }} />
      <Legend formatter={(value: string) => pluginLabel(value)} wrapperStyle={{ fontSize: 12 }} />
      {history.plugins.map((plugin) => (
        <Bar key={plugin} dataKey={plugin} name={plugin} stackId="transferred" fill={pluginColour(plugin)} isAnimationActive={false} />
      ))}
      {anomalyLines(anomalies)}
    </BarChart>
  );
}
