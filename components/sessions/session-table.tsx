"use client";

import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useDeviceView } from "@/components/devices/use-device-view";
import { ErrorState } from "@/components/ui/states";
import { RetryButton } from "@/components/ui/retry-button";
import { SessionStatusBadge } from "@/components/ui/status-badge";
import { dataParams, type SessionSortKey } from "@/lib/device-view/view";
import { formatBytes, formatCount, formatDateTime, formatDuration, formatExactBytes, type ByteUnits } from "@/lib/format";
import { useDeviceApiBase } from "@/components/devices/device-api";
import { deviceQueries } from "@/lib/queries/device-queries";
import { ApiClientError } from "@/lib/queries/fetch-json";
import { pluginLabel } from "@/lib/session-status";
import { ANOMALY_LABELS, type Anomaly } from "@/lib/health/anomalies";
import type { BackupSession } from "@/lib/types";

interface Column {
  key: string;
  label: string;
  sort?: SessionSortKey;
  align?: "right";
  cell: (s: BackupSession, zone: string, units: ByteUnits, anomalies: readonly Anomaly[]) => React.ReactNode;
}

function AnomalyCell({ anomalies }: { anomalies: readonly Anomaly[] }) {
  if (anomalies.length === 0) return "—";
  return (
    <span className="text-status-warning" data-anomalies={anomalies.length}>
      <span aria-hidden="true">⚠ </span>
      {anomalies.map((a) => ANOMALY_LABELS[a.rule]).join(", ")}
    </span>
  );
}

const bytes = (value: number | null, units: ByteUnits) => <span title={formatExactBytes(value)}>{formatBytes(value, units)}</span>;
const count = (value: number | null) => (value === null ? "—" : formatCount(value));

const COLUMNS: Column[] = [
  { key: "start", label: "Start", sort: "start", cell: (s, zone) => formatDateTime(s.start, zone) },
  { key: "end", label: "End", sort: "end", cell: (s, zone) => formatDateTime(s.end, zone) },
  { key: "duration", label: "Duration", sort: "duration", align: "right", cell: (s) => formatDuration(s.durationSeconds) },
  { key: "type", label: "Type", sort: "type", cell: (s) => s.type },
  { key: "plugin", label: "Plugin", sort: "plugin", cell: (s) => pluginLabel(s.plugin) },
  { key: "status", label: "Status", sort: "status", cell: (s) => <SessionStatusBadge status={s.status} /> },
  { key: "anomalies", label: "Anomalies", cell: (_s, _z, _u, anomalies) => <AnomalyCell anomalies={anomalies} /> },
  { key: "transferred", label: "Transferred", sort: "transferred", align: "right", cell: (s, _z, u) => bytes(s.transferredSize, u) },
  { key: "errors", label: "Errors", sort: "errors", align: "right", cell: (s) => count(s.errorCount) },
  { key: "selection", label: "Selection size", sort: "selection", align: "right", cell: (s, _z, u) => bytes(s.selectionSize, u) },
  { key: "selectionItems", label: "Selected items", align: "right", cell: (s) => count(s.selectionItemCount) },
  { key: "sizeChange", label: "Size change", align: "right", cell: (s, _z, u) => bytes(s.sizeChange, u) },
  { key: "itemChange", label: "Item change", align: "right", cell: (s) => count(s.itemCountChange) },
  { key: "removed", label: "Removed items", align: "right", cell: (s) => count(s.removedItemCount) },
  { key: "processed", label: "Processed size", align: "right", cell: (s, _z, u) => bytes(s.processedSize, u) },
  { key: "processedItems", label: "Processed items", align: "right", cell: (s) => count(s.processedItemCount) },
  { key: "sessionId", label: "Session ID", cell: (s) => s.sessionId },
  { key: "storage", label: "Storage account", cell: (s) => s.storageAccountId ?? "—" },
];

const NONE: readonly Anomaly[] = [];

/** The start column stays in view while the others scroll past, so a row never loses its name. */
const STICKY_FIRST = "sticky left-0 z-10 border-r border-border";

export function SessionTable({ deviceId, zone }: { deviceId: string; zone: string }) {
  const { view, update } = useDeviceView();
  const params = dataParams(view, zone);
  params.set("sort", view.sort);
  params.set("dir", view.dir);
  params.set("page", String(view.page));
  const query = useQuery(deviceQueries.table(deviceId, params.toString(), useDeviceApiBase()));
  const [selected, setSelected] = useState<BackupSession | null>(null);
  const marksOf = (session: BackupSession): readonly Anomaly[] => query.data?.data.anomalies?.[session.sessionId] ?? NONE;
  const dialog = useRef<HTMLDialogElement>(null);

  function open(session: BackupSession) {
    setSelected(session);
    dialog.current?.showModal();
  }

  function sortBy(column: SessionSortKey) {
    update({ sort: column, dir: view.sort === column && view.dir === "desc" ? "asc" : "desc", page: 1 });
  }

  if (query.isError && !query.data) {
    // An unknown device: the history panel shows the not-found page.
    if (query.error instanceof ApiClientError && query.error.status === 404) return null;
    return <ErrorState title="Could not load the sessions" message={query.error.message} retry={<RetryButton onRetry={() => query.refetch()} />} />;
  }
  const page = query.data?.data;

  return (
    <section aria-labelledby="sessions-heading" className="space-y-3" data-state={query.isPending ? "loading" : "ready"} data-total={page?.total}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="sessions-heading" className="text-lg font-semibold">
          Sessions{page ? ` (${formatCount(page.total)})` : ""}
        </h2>
        {page && page.pageCount > 1 && <Pager page={page.page} pageCount={page.pageCount} onPage={(p) => update({ page: p })} />}
      </div>
      {/* The card scrolls both ways, no taller than the screen: its sideways scrollbar is always in reach. */}
      <div role="region" aria-labelledby="sessions-heading" tabIndex={0} data-scroll="sessions" className="max-h-[75vh] overflow-auto rounded-lg border border-border bg-surface">
        <table className="w-full border-separate border-spacing-0 whitespace-nowrap text-sm" aria-labelledby="sessions-heading" aria-busy={query.isFetching}>
          <thead className="sticky top-0 z-20 bg-surface-muted">
            <tr>
              {COLUMNS.map((column, i) => {
                const active = column.sort === view.sort;
                return (
                  <th
                    key={column.key}
                    scope="col"
                    aria-sort={active ? (view.dir === "asc" ? "ascending" : "descending") : column.sort ? "none" : undefined}
                    className={`border-b border-border px-3 py-2 font-semibold ${column.align === "right" ? "text-right" : "text-left"} ${i === 0 ? `bg-surface-muted ${STICKY_FIRST}` : ""}`}
                  >
                    {column.sort ? (
                      <button type="button" className="inline-flex items-center gap-1 hover:underline" onClick={() => sortBy(column.sort!)}>
                        {column.label}
                        <span aria-hidden="true" className="text-xs">
                          {active ? (view.dir === "asc" ? "▲" : "▼") : ""}
                        </span>
                      </button>
                    ) : (
                      column.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {!page &&
              Array.from({ length: 10 }, (_, i) => (
                <tr key={i}>
                  <td colSpan={COLUMNS.length} className="border-b border-border px-3 py-2">
                    <div className="h-5 animate-pulse rounded bg-surface-muted" />
                  </td>
                </tr>
              ))}
            {page?.rows.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length} className="px-3 py-6 text-center text-muted">
                  No sessions in this range.
                </td>
              </tr>
            )}
            {page?.rows.map((session) => (
              <tr
                key={session.sessionId}
                className="group cursor-pointer hover:bg-surface-muted [&>*]:border-b [&>*]:border-border last:[&>*]:border-b-0"
                onClick={() => open(session)}
                data-session-id={session.sessionId}
              >
                {COLUMNS.map((column, i) =>
                  i === 0 ? (
                    <th key={column.key} scope="row" className={`bg-surface px-3 py-2 text-left font-normal group-hover:bg-surface-muted ${STICKY_FIRST}`}>
                      <button
                        type="button"
                        className="text-accent hover:underline"
                        onClick={(event) => {
                          event.stopPropagation();
                          open(session);
                        }}
                        aria-label={`Details of the ${pluginLabel(session.plugin)} session started ${formatDateTime(session.start, zone)}`}>
                        {column.cell(session, zone, view.units, marksOf(session))}
                      </button>
                    </th>
                  ) : (
                    <td key={column.key} className={`px-3 py-2 ${column.align === "right" ? "text-right tabular-nums" : ""}`}>
                      {column.cell(session, zone, view.units, marksOf(session))}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page && page.pageCount > 1 && <Pager page={page.page} pageCount={page.pageCount} onPage={(p) => update({ page: p })} />}
      <dialog ref={dialog} aria-labelledby="session-detail-title" className="w-full max-w-2xl rounded-lg border border-border bg-surface p-0 text-ink backdrop:bg-black/50" onClose={() => setSelected(null)}>
        {selected && <SessionDetail session={selected} anomalies={marksOf(selected)} zone={zone} units={view.units} onClose={() => dialog.current?.close()} />}
      </dialog>
    </section>
  );
}

function Pager({ page, pageCount, onPage }: { page: number; pageCount: number; onPage: (page: number) => void }) {
  return (
    <nav aria-label="Session pages" className="flex items-center gap-2 text-sm">
      <button type="button" className="rounded border border-border px-2 py-1 disabled:opacity-50" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {pageCount}
      </span>
      <button type="button" className="rounded border border-border px-2 py-1 disabled:opacity-50" disabled={page >= pageCount} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}

function SessionDetail({ session, anomalies, zone, units, onClose }: { session: BackupSession; anomalies: readonly Anomaly[]; zone: string; units: ByteUnits; onClose: () => void }) {
  const rows: [string, React.ReactNode][] = [
    ["Session ID", session.sessionId],
    ["Type", session.type],
    ["Plugin", `${pluginLabel(session.plugin)} (${session.plugin})`],
    ["Status", <SessionStatusBadge key="s" status={session.status} />],
    ["Start", `${formatDateTime(session.start, zone)} (${zone})`],
    ["End", `${formatDateTime(session.end, zone)} (${zone})`],
    ["Duration", formatDuration(session.durationSeconds)],
    ["Transferred", `${formatBytes(session.transferredSize, units)} · ${formatExactBytes(session.transferredSize)}`],
    ["Processed", `${formatBytes(session.processedSize, units)} · ${formatExactBytes(session.processedSize)}`],
    ["Processed items", count(session.processedItemCount)],
    ["Selection size", `${formatBytes(session.selectionSize, units)} · ${formatExactBytes(session.selectionSize)}`],
    ["Selected items", count(session.selectionItemCount)],
    ["Size change (no sign given by N-sight)", `${formatBytes(session.sizeChange, units)} · ${formatExactBytes(session.sizeChange)}`],
    ["Item count change", count(session.itemCountChange)],
    ["Removed items", count(session.removedItemCount)],
    ["Errors", count(session.errorCount)],
    ["Storage account", session.storageAccountId ?? "—"],
  ];
  return (
    <div className="p-4">
      <div className="flex items-start justify-between gap-4">
        <h3 id="session-detail-title" className="text-lg font-semibold">
          Session {session.sessionId}
        </h3>
        <button type="button" className="rounded border border-border px-2 py-1 text-sm" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
      {anomalies.length > 0 && (
        <ul className="mt-2 space-y-1 text-sm text-status-warning" aria-label="Quiet failures in this session">
          {anomalies.map((a) => (
            <li key={a.rule}>
              <span aria-hidden="true">⚠ </span>
              {a.reason}
            </li>
          ))}
        </ul>
      )}
      {session.unknownValues && (
        <p className="mt-2 text-sm text-status-warning">N-sight sent values this dashboard does not know for: {session.unknownValues.join(", ")}.</p>
      )}
      <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted">{label}</dt>
            <dd className="tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
