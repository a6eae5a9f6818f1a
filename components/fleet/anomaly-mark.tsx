import type { Anomaly } from "@/lib/health/anomalies";

/** A mark beside the health state, never a state: an icon and the words, so never colour alone. */
export function AnomalyMark({ anomalies, className = "text-xs" }: { anomalies: readonly Anomaly[]; className?: string }) {
  if (anomalies.length === 0) return null;
  const [first, ...rest] = anomalies;
  return (
    <span className={`inline-block text-status-warning ${className}`} data-anomalies={anomalies.length}>
      <span aria-hidden="true">⚠ </span>
      {anomalies.length === 1 ? "1 anomaly" : `${anomalies.length} anomalies`}: {first!.reason}
      {rest.length > 0 && ` (and ${rest.map((a) => a.reason.replace(/\.$/, "")).join("; ")})`}
    </span>
  );
}
