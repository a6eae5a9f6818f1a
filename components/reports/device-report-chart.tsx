import { formatBytes } from "@/lib/format";
import type { DeviceReport } from "@/lib/reports/client-report";

const WIDTH = 620;
const BARS = 92;
const HEIGHT = 120;

/** Daily transferred data as bars, a mark under each day (✓ good, ✕ a run failed, – none ran); the table after it says the same in words. */
export function DeviceReportChart({ report }: { report: DeviceReport }) {
  const days = report.days;
  if (days.length === 0) return null;
  const max = Math.max(1, ...days.map((d) => d.transferredBytes));
  const slot = WIDTH / days.length;
  const bar = Math.max(2, slot * 0.7);
  const label = `${report.device.name}: data transferred each day, largest ${formatBytes(max === 1 ? 0 : max)}; ${days.filter((d) => d.unsuccessful > 0).length} days with a failed run.`;
  return (
    <figure className="report-chart space-y-1">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} className="h-auto w-full max-w-[160mm]" data-device-chart={report.device.deviceId}>
        <line x1={0} y1={BARS} x2={WIDTH} y2={BARS} stroke="currentColor" strokeWidth={0.5} />
        {days.map((d, i) => {
          const h = d.transferredBytes > 0 ? Math.max(1, (d.transferredBytes / max) * (BARS - 4)) : 0;
          const x = i * slot + (slot - bar) / 2;
          const mark = d.unsuccessful > 0 ? "✕" : d.succeeded > 0 ? "✓" : "–";
          return (
            <g key={d.day}>
              {h > 0 && <rect x={x} y={BARS - h} width={bar} height={h} fill={d.unsuccessful > 0 ? "var(--fill-failed)" : "var(--plugin-1)"} />}
              <text x={i * slot + slot / 2} y={BARS + 12} textAnchor="middle" fontSize={9} fill="currentColor">
                {mark}
              </text>
              {(i === 0 || (i + 1) % 7 === 0) && (
                <text x={i * slot + slot / 2} y={BARS + 25} textAnchor="middle" fontSize={8} fill="currentColor">
                  {Number(d.day.slice(8))}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="text-xs text-muted">Bars: data transferred each day (tallest {formatBytes(max === 1 ? 0 : max)}). Under each day: ✓ a good backup, ✕ a run that failed, – no run. Day of the month below.</figcaption>
      {/* sr-only on the wrapper: a table ignores the 1 px width and would widen a phone's page. */}
      <div className="sr-only">
        <table>
          <caption>{report.device.name}: each day</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Good runs</th>
              <th scope="col">Unsuccessful runs</th>
              <th scope="col">Transferred</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                <td>{d.succeeded}</td>
                <td>{d.unsuccessful}</td>
                <td>{formatBytes(d.transferredBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
