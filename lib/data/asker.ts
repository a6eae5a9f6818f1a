import "server-only";
import { actorOf, type Principal } from "../auth/principal";
import type { CallOptions } from "../nsight/client";

/** The call options of a read for this principal: its N-sight calls count toward its own share of the budget. */
export function askedBy(principal: Principal, call: CallOptions): CallOptions {
  return { ...call, asker: actorOf(principal) };
}
