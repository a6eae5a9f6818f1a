import "server-only";
import { actorOf, type Principal } from "../auth/principal";
import type { CallOptions } from "../nsight/client";

export function askedBy(principal: Principal, call: CallOptions): CallOptions {
  return { ...call, asker: actorOf(principal) };
}
