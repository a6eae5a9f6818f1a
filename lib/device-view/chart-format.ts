import { formatBytes, safeZone, type ByteUnits } from "../format";
import type { BucketUnit } from "../time/zone";

export function bucketLabel(iso: string, unit: BucketUnit, zone: string, long = false): string {
  const options: Intl.DateTimeFormatOptions = { timeZone: safeZone(zone) };
  if (unit === "hour") Object.assign(options, long ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  else if (unit === "month") Object.assign(options, { month: "short", year: "numeric" });
  else Object.assign(options, long ? { day: "numeric", month: "short", year: "numeric" } : { day: "numeric", month: "short" });
  const text = new Intl.DateTimeFormat("en-GB", options).format(new Date(iso));
  return long && unit === "week" ? `Week of ${text}` : text;
}

export const bytesTick = (units: ByteUnits) => (value: number) => formatBytes(value, units);
