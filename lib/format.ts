// Binary units labelled as such by default: N-sight divides by 1024 and calls it MB.

import { canonicalZone } from "./time/zone-names";

export type ByteUnits = "binary" | "decimal";

const BINARY = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
const DECIMAL = ["bytes", "kB", "MB", "GB", "TB", "PB"];

export function formatBytes(bytes: number | null | undefined, units: ByteUnits = "binary"): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "—";
  const base = units === "binary" ? 1024 : 1000;
  const names = units === "binary" ? BINARY : DECIMAL;
  const sign = bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= base && unit < names.length - 1) {
    value /= base;
    unit++;
  }
  if (unit === 0) return `${sign}${value} ${value === 1 ? "byte" : "bytes"}`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${sign}${value.toFixed(digits)} ${names[unit]}`;
}

export function formatExactBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "unknown";
  // A total past 2^53 - 1 (a sum of sizes) is rounded in a double: never shown as if exact.
  if (!Number.isSafeInteger(bytes)) return `about ${formatCount(bytes)} bytes`;
  return `${formatCount(bytes)} ${bytes === 1 ? "byte" : "bytes"}`;
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat("en-US").format(value);
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const secs = s % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return secs > 0 ? `${minutes} min ${secs} s` : `${minutes} min`;
}

export function formatDateTime(iso: string | null | undefined, timeZone = "UTC", withSeconds = true): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: safeZone(timeZone),
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: withSeconds ? "2-digit" : undefined,
    hourCycle: "h23",
  }).format(date);
}

export function formatTime(iso: string | null | undefined, timeZone = "UTC"): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: safeZone(timeZone),
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(date);
}

export function formatAge(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "never";
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return "unknown";
  const diff = Math.round((now - then) / 1000);
  const future = diff < 0;
  const s = Math.abs(diff);
  let text: string;
  if (s < 5) return "just now";
  if (s < 60) text = `${s} s`;
  else if (s < 3_600) text = `${Math.floor(s / 60)} min`;
  else if (s < 86_400) text = `${Math.floor(s / 3_600)} h`;
  else {
    const days = Math.floor(s / 86_400);
    text = `${days} ${days === 1 ? "day" : "days"}`;
  }
  return future ? `in ${text}` : `${text} ago`;
}

export function safeZone(timeZone: string | null | undefined): string {
  return canonicalZone(timeZone) ?? "UTC";
}
