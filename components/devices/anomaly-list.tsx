import type { DeviceHistory } from "@/lib/device-view/history";
import { ANOMALY_LABELS } from "@/lib/health/anomalies";
import { formatCount, formatDateTime } from "@/lib/format";

/** The words behind the ⚠ marks on the charts: each quiet failure in view, newest first. */
export function AnomalyList({ history }: { history: DeviceHistory }) {
  if (history.anomalyCount === 0) return null;
  return (
    <section aria-labelledby="anomalies-heading" className="rounded-lg border border-border bg-surface p-4" data-testid="anomaly-list">
      <h3 id="anomalies-heading" className="font-semibold">
        <span aria-hidden="true" className="text-status-warning">
          ⚠{" "}
        </span>
        Quiet failures in this view ({formatCount(history.anomalyCount)})
      </h3>
      <p className="mt-1 text-sm text-muted">Backups that completed but look unlike the plugin&apos;s own history; a mark beside the health state, marked ⚠ on the charts.</p>
      <ul className="mt-2 space-y-1 text-sm">
        {history.anomalies.map((a) => (
          <li key={`${a.sessionId ?? "missing"}-${a.plugin}-${a.rule}`} data-rule={a.rule} data-session-id={a.sessionId ?? undefined}>
            <span className="font-medium">{ANOMALY_LABELS[a.rule]}</span>
            {a.sessionStart && (
              <>
                {" "}
                (<time dateTime={a.sessionStart}>{formatDateTime(a.sessionStart, history.zone, false)}</time>)
              </>
            )}
            : {a.reason}
          </li>
        ))}
      </ul>
      {history.anomalyCount > history.anomalies.length && (
        <p className="mt-2 text-sm text-muted">The newest {formatCount(history.anomalies.length)} are listed; choose a shorter range to see older ones.</p>
      )}
    </section>
  );
}
