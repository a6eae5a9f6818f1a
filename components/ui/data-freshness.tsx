import { currentTime } from "@/lib/clock";
import { formatAge, formatDateTime } from "@/lib/format";

export function DataFreshness({ fetchedAt, stale, now }: { fetchedAt: number; stale: boolean; now?: number }) {
  now ??= currentTime();
  const iso = new Date(fetchedAt).toISOString();
  if (stale) {
    return (
      <p role="status" className="text-sm text-status-warning">
        <span aria-hidden="true">⚠ </span>
        Showing the last good data, read from N-sight{" "}
        <time dateTime={iso} title={`${formatDateTime(iso, "UTC")} UTC`}>
          {formatAge(iso, now)}
        </time>
        : N-sight could not be refreshed.
      </p>
    );
  }
  return (
    <p className="text-sm text-muted">
      Read from N-sight{" "}
      <time dateTime={iso} title={`${formatDateTime(iso, "UTC")} UTC`}>
        {formatAge(iso, now)}
      </time>
      .
    </p>
  );
}
