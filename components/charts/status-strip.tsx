"use client";

import { useId } from "react";
import type { DeviceHistory } from "@/lib/device-view/history";
import { bucketLabel } from "@/lib/device-view/chart-format";
import { pluginLabel, sessionStatusLook } from "@/lib/session-status";

const LABEL_WIDTH = 132;
const ROW_HEIGHT = 30;
const AXIS_HEIGHT = 22;
/** Room a day label ("30 Nov") needs at 11 px, with some to spare for wider fonts. */
const AXIS_LABEL_WIDTH = 48;

export function statusMarks(history: DeviceHistory): number {
  return history.status.worst.reduce((sum, row) => sum + row.filter((v) => v !== null).length, 0);
}

export function statusStripHeight(history: DeviceHistory): number {
  return Math.max(1, history.plugins.length) * ROW_HEIGHT + AXIS_HEIGHT;
}

export function StatusStrip({ history, width }: { history: DeviceHistory; width: number }) {
  const cells = history.status.starts.length;
  const cellWidth = Math.max(1, (width - LABEL_WIDTH) / Math.max(1, cells));
  const height = statusStripHeight(history);
  const labelEvery = Math.max(1, Math.ceil(70 / cellWidth));
  const clipId = `${useId()}-labels`;
  return (
    <svg width={width} height={height} role="img" aria-label={`Worst status per ${history.status.unit} and plugin`} className="block">
      <clipPath id={clipId}>
        <rect width={LABEL_WIDTH - 6} height={height} />
      </clipPath>
      {history.plugins.map((plugin, p) => (
        <g key={plugin} transform={`translate(0, ${p * ROW_HEIGHT})`}>
          <text x={0} y={ROW_HEIGHT / 2 + 4} fontSize={12} fill="var(--color-ink)" clipPath={`url(#${clipId})`}>
            {pluginLabel(plugin).slice(0, 20)}
          </text>
          <rect x={LABEL_WIDTH} y={3} width={width - LABEL_WIDTH} height={ROW_HEIGHT - 6} fill="var(--color-surface-muted)" />
          {history.status.worst[p]!.map((status, c) => {
            if (status === null) return null;
            const look = sessionStatusLook(status);
            const x = LABEL_WIDTH + c * cellWidth;
            const day = bucketLabel(history.status.starts[c]!, history.status.unit, history.zone, true);
            return (
              <g key={c} data-cell={status}>
                <rect x={x + 0.5} y={3} width={Math.max(1, cellWidth - 1)} height={ROW_HEIGHT - 6} fill={look.fill}>
                  <title>{`${pluginLabel(plugin)}, ${day}: ${look.label}`}</title>
                </rect>
                {cellWidth >= 14 && (
                  <text x={x + cellWidth / 2} y={ROW_HEIGHT / 2 + 4} fontSize={11} textAnchor="middle" fill="#000" aria-hidden="true">
                    {look.icon}
                  </text>
                )}
              </g>
            );
          })}
        </g>
      ))}
      <g transform={`translate(0, ${history.plugins.length * ROW_HEIGHT})`}>
        {history.status.starts.map((start, c) =>
          // A label that would run past the right edge is left out rather than cut.
          c % labelEvery === 0 && LABEL_WIDTH + c * cellWidth + AXIS_LABEL_WIDTH <= width ? (
            <text key={start} x={LABEL_WIDTH + c * cellWidth} y={15} fontSize={11} fill="var(--color-muted)">
              {bucketLabel(start, "day", history.zone)}
            </text>
          ) : null,
        )}
      </g>
    </svg>
  );
}
