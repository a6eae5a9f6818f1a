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

/** The same mark from a slim tile, which carries the count and the first few reasons. */
export function TileAnomalyMark({ count, reasons, className = "text-xs" }: { count: number; reasons: readonly string[]; className?: string }) {
  if (count === 0) return null;
  return (
    <span className={`inline-block text-status-warning ${className}`} data-anomalies={count}>
      <span aria-hidden="true">⚠ </span>
      {count === 1 ? "1 anomaly" : `${count} anomalies`}: {reasons.join(" ")}
      {reasons.length < count ? " …" : ""}
    </span>
  );
}
