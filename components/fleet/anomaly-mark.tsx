import type { Anomaly } from "@/lib/health/anomalies";

/** A mark beside the health state, never a state: an icon and the words, so never colour alone. */
export function AnomalyMark({ anomalies, className = "text-xs" }: { anomalies: readonly Anomaly[]; className?: string }) {
  if (anomalies.length === 0) return null;
  return (
    <span className={`inline-block text-status-warning ${className}`} data-anomalies={anomalies.length}>
      <span aria-hidden="true">⚠ </span>
      {anomalies.length === 1 ? "1 anomaly" : `${anomalies.length} anomalies`}: {anomalies.map((a) => a.reason).join(" ")}
    </span>
  );
}
