// The refresh is clamped: the wall reads this server's state, which changes no faster than N-sight's budget allows.
import { isNsightId } from "../ids";

export interface NocSettings {
  clients: string[];
  rotateSeconds: number;
  refreshSeconds: number;
  theme: "dark" | "light";
}

export const NOC_LIMITS = { rotate: { min: 5, max: 600, default: 15 }, refresh: { min: 5, max: 3_600, default: 30 } };

type Params = Record<string, string | string[] | undefined>;

function first(params: Params, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

function seconds(value: string | undefined, limits: { min: number; max: number; default: number }): number {
  if (value === undefined || !/^\d{1,6}$/.test(value)) return limits.default;
  return Math.min(limits.max, Math.max(limits.min, Number(value)));
}

export function parseNocSettings(params: Params): NocSettings {
  const clients = (first(params, "clients") ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter(isNsightId)
    .slice(0, 200);
  return {
    clients: [...new Set(clients)],
    rotateSeconds: seconds(first(params, "rotate"), NOC_LIMITS.rotate),
    refreshSeconds: seconds(first(params, "refresh"), NOC_LIMITS.refresh),
    theme: first(params, "theme") === "light" ? "light" : "dark",
  };
}

/** The page size the server renders the wall with, before the browser measures how many tiles fit. */
export const NOC_FIRST_PAGE_SIZE = 6;
