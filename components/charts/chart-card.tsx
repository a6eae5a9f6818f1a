"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";
import { RetryButton } from "@/components/ui/retry-button";

export type ChartState = "loading" | "ready" | "empty" | "error";

/** Fixed-height plot so nothing shifts while loading; the table is the screen-reader and keyboard equivalent; `data-state`/`data-marks` are for tests. */
export function ChartCard({
  id,
  title,
  state,
  marks,
  flags,
  summary,
  table,
  error,
  onRetry,
  emptyText = "No sessions in this range.",
  height = 260,
  children,
}: {
  id: string;
  title: string;
  state: ChartState;
  marks?: number;
  /** Quiet failures marked on the plot (lib/health/anomalies.ts). */
  flags?: number;
  summary?: ReactNode;
  table?: ReactNode;
  error?: string;
  onRetry?: () => void;
  emptyText?: string;
  height?: number;
  children?: (width: number) => ReactNode;
}) {
  const plot = useRef<HTMLDivElement>(null);
  const width = useWidth(plot);
  // "ready" only once the plot has a width and so has drawn its marks.
  const shown: ChartState = state === "ready" && width === 0 ? "loading" : state;
  return (
    <section
      aria-labelledby={`${id}-title`}
      data-chart={id}
      data-state={shown}
      data-marks={shown === "ready" ? marks : undefined}
      data-anomaly-marks={shown === "ready" && flags ? flags : undefined}
      className="rounded-lg border border-border bg-surface p-4"
    >
      <h3 id={`${id}-title`} className="font-semibold">
        {title}
      </h3>
      {summary && <div className="mt-1 text-sm text-muted">{summary}</div>}
      <div ref={plot} className="relative mt-3" style={{ height }}>
        {state === "loading" && <div className="h-full w-full animate-pulse rounded bg-surface-muted" aria-hidden="true" />}
        {state === "error" && (
          <div role="alert" className="flex h-full flex-col items-center justify-center gap-2 text-center">
            <p className="text-status-failed">
              <span aria-hidden="true">✖ </span>
              {error ?? "Could not load this chart."}
            </p>
            <RetryButton onRetry={onRetry} />
          </div>
        )}
        {state === "empty" && <p className="flex h-full items-center justify-center text-muted">{emptyText}</p>}
        {state === "ready" && width > 0 && children?.(width)}
      </div>
      {state === "ready" && table && (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer text-accent">Show the data as a table</summary>
          <div className="mt-2 max-h-72 overflow-auto">{table}</div>
        </details>
      )}
    </section>
  );
}

function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
