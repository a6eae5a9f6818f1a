"use client";

import { AnomalyMark } from "@/components/fleet/anomaly-mark";
import { HealthBadge, SessionStatusBadge } from "@/components/ui/status-badge";
import type { DeviceHistory } from "@/lib/device-view/history";
import { RANGE_LABELS, type RangeChoice } from "@/lib/device-view/view";
import { formatAge, formatBytes, formatCount, formatDateTime, formatExactBytes, type ByteUnits } from "@/lib/format";
import { pluginLabel } from "@/lib/session-status";

export function DeviceSummary({ history, units, range, now }: { history: DeviceHistory; units: ByteUnits; range: RangeChoice; now: number }) {
  const { health, totals } = history;
  const rate = totals.successRate === null ? null : Math.round(totals.successRate * 1000) / 10;
  return (
    <section aria-labelledby="summary-heading" className="space-y-3 rounded-lg border border-border bg-surface p-3 sm:space-y-4 sm:p-4" data-health={health.state}>
      <h2 id="summary-heading" className="sr-only">
        Summary
      </h2>
      <div className="flex items-start gap-3 sm:items-center">
        <HealthBadge state={health.state} size="lg" />
        <div>
          <p className="font-medium sm:text-lg" data-testid="health-sentence">
            {health.sentence}
          </p>
          <AnomalyMark anomalies={history.currentAnomalies} className="mt-1 text-sm" />
        </div>
      </div>
      {health.plugins.length > 0 && (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3 2xl:grid-cols-4" aria-label="Last backup per plugin">
          {health.plugins.map((p) => (
            <li key={p.plugin} className="rounded border border-border p-3" data-plugin={p.plugin}>
              <div className="flex items-center justify-between gap-2">
                <span className="font-semibold">{pluginLabel(p.plugin)}</span>
                <SessionStatusBadge status={p.lastStatus} />
              </div>
              <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                <dt className="text-muted">Last backup ended</dt>
                <dd>
                  {p.lastEnd ? (
                    <time dateTime={p.lastEnd} title={formatDateTime(p.lastEnd, history.zone)}>
                      {formatAge(p.lastEnd, now)} <span className="text-muted">({formatDateTime(p.lastEnd, history.zone, false)})</span>
                    </time>
                  ) : (
                    "—"
                  )}
                </dd>
                <dt className="text-muted">Transferred</dt>
                <dd title={formatExactBytes(p.lastTransferred)}>{formatBytes(p.lastTransferred, units)}</dd>
                <dt className="text-muted">Last success</dt>
                <dd>{p.lastSuccessAt ? formatAge(p.lastSuccessAt, now) : "never"}</dd>
                {p.failedInARow > 1 && (
                  <>
                    <dt className="text-muted">Failures in a row</dt>
                    <dd>{p.failedInARow}</dd>
                  </>
                )}
              </dl>
            </li>
          ))}
        </ul>
      )}
      <p className="text-sm" data-testid="range-totals">
        <span className="font-medium">{RANGE_LABELS[range]}:</span>{" "}
        {totals.backups === 0
          ? "no backups."
          : `${rate}% of ${formatCount(totals.backups)} backups completed (${formatCount(totals.completedWithErrors)} with errors, ${formatCount(totals.failed)} failed); `}
        <span title={formatExactBytes(totals.transferred)}>{formatBytes(totals.transferred, units)}</span> transferred in {formatCount(totals.sessions)} sessions.
      </p>
    </section>
  );
}
