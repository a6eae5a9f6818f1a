import { csvCell, fileSlug } from "../device-view/csv";
import { formatDateTime } from "../format";
import type { ClientReport } from "./client-report";

const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

const HEADER = [
  "client",
  "month",
  "time_zone",
  "device_id",
  "device",
  "site",
  "plugin",
  "read",
  "runs",
  "succeeded",
  "success_rate_percent",
  "last_good_backup_utc",
  "last_good_backup_local",
  "days_without_good_backup",
  "protected_selection_bytes",
  "transferred_bytes",
  "failures",
  "failure_dates",
  "anomalies",
  "anomaly_dates",
];

/** One row per device and plugin (a device without plugins gets one), then a totals row with the page's figures. */
export function clientReportToCsv(report: ClientReport, clientName: string): string {
  const lines = [HEADER.join(",")];
  const row = (cells: (string | number | null)[]) => lines.push(cells.map(csvCell).join(","));
  for (const d of report.devices) {
    const base = [clientName, report.month, report.zone, d.device.deviceId, d.device.name, d.device.siteName];
    const plugins = d.plugins.length ? d.plugins : [null];
    for (const p of plugins) {
      const failures = d.failures.filter((f) => p === null || f.plugin === p.plugin);
      const anomalies = d.anomalies.filter((a) => p === null || a.plugin === p.plugin);
      const lastGood = p ? p.lastGoodAt : d.lastGoodAt;
      row([
        ...base,
        p?.plugin ?? null,
        d.read,
        p ? p.runs : d.runs,
        p ? p.succeeded : d.succeeded,
        percent(p ? p.successRate : d.successRate),
        lastGood,
        lastGood ? formatDateTime(lastGood, report.zone) : null,
        p ? p.daysWithoutGood : d.daysWithoutGood,
        p ? p.protectedBytes : d.protectedBytes,
        p ? p.transferredBytes : d.transferredBytes,
        failures.length,
        failures.map((f) => f.day).join(" "),
        anomalies.length,
        anomalies.map((a) => a.day ?? "").join(" "),
      ]);
    }
  }
  const t = report.totals;
  row([clientName, report.month, report.zone, "TOTAL", `${t.devicesRead} of ${t.devices} devices read`, null, null, null, t.runs, t.succeeded, percent(t.successRate), null, null, null, t.protectedBytes, t.transferredBytes, t.failures, null, t.anomalies, null]);
  return `${lines.join("\r\n")}\r\n`;
}

export function clientReportFilename(clientName: string, clientId: string, month: string): string {
  return `report-${fileSlug(clientName)}-${clientId}-${month}.csv`;
}
