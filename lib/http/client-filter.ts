import { isNsightId } from "../ids";
import { RequestError } from "./request-error";

/** `?clients=1,2` of the fleet-wide answers: a set of client ids, or undefined for all the principal may see. */
export function parseClientFilter(value: string | null): Set<string> | undefined {
  if (value === null) return undefined;
  const ids = value.split(",").filter(Boolean);
  if (ids.length === 0 || ids.length > 500 || !ids.every(isNsightId)) throw new RequestError("Invalid clients: expected client ids separated by commas.");
  return new Set(ids);
}
