import "server-only";
import type { UpstreamHealth, UpstreamProblem } from "../fleet/types";
import type { CallEvent } from "./client";

const PROBLEMS: Partial<Record<CallEvent["outcome"], { problem: UpstreamProblem; words: string }>> = {
  unavailable: { problem: "unreachable", words: "N-sight could not be reached" },
  timeout: { problem: "unreachable", words: "N-sight did not answer in time" },
  auth: { problem: "auth", words: "N-sight refused the API key" },
  throttled: { problem: "throttled", words: "N-sight asked us to slow down" },
};

/** The one call about the whole account: when it fails, no other resource needs to fail too. */
const ACCOUNT_WIDE_SERVICE = "list_clients";

/** "Failing since" once outage-like failures concern two resources or the client list: one bad device says nothing about N-sight. */
export class UpstreamTracker {
  private lastOkAt: number | null = null;
  private firstFailureAt: number | null = null;
  private readonly failingResources = new Set<string>();
  private accountWideFailed = false;
  private lastProblem: { problem: UpstreamProblem; words: string } | null = null;
  private authRefused = false;

  constructor(private readonly now: () => number = Date.now) {}

  restore(lastOkAt: string | null): void {
    if (lastOkAt && this.lastOkAt === null) this.lastOkAt = Date.parse(lastOkAt);
  }

  record(event: Pick<CallEvent, "outcome" | "service" | "params">): void {
    if (event.outcome === "ok") {
      this.lastOkAt = this.now();
      this.firstFailureAt = null;
      this.failingResources.clear();
      this.accountWideFailed = false;
      this.lastProblem = null;
      this.authRefused = false;
      return;
    }
    const problem = PROBLEMS[event.outcome];
    if (!problem) return;
    this.firstFailureAt ??= this.now();
    this.failingResources.add(`${event.service}?${new URLSearchParams(event.params).toString()}`);
    if (event.service === ACCOUNT_WIDE_SERVICE) this.accountWideFailed = true;
    this.lastProblem = problem;
    if (problem.problem === "auth") this.authRefused = true;
  }

  snapshot(): UpstreamHealth {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const failing = this.firstFailureAt !== null && (this.failingResources.size >= 2 || this.accountWideFailed);
    return {
      status: failing ? "failing" : this.lastOkAt !== null ? "ok" : "unknown",
      lastOkAt: iso(this.lastOkAt),
      failingSince: failing ? iso(this.firstFailureAt) : null,
      lastProblem: failing ? (this.authRefused ? PROBLEMS.auth!.words : this.lastProblem!.words) : null,
      problem: failing ? (this.authRefused ? "auth" : this.lastProblem!.problem) : null,
    };
  }
}
