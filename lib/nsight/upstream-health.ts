import "server-only";
import type { UpstreamHealth } from "../fleet/types";
import type { CallEvent } from "./client";

const PROBLEM_WORDS: Partial<Record<CallEvent["outcome"], string>> = {
  unavailable: "N-sight could not be reached",
  timeout: "N-sight did not answer in time",
  auth: "N-sight refused the API key",
  throttled: "N-sight asked us to slow down",
};

/**
 * Whether N-sight is answering, from every call this server makes: "failing since" the
 * first outage-like failure after the last success, once failures without a success in
 * between concern at least two resources. A bad answer about one device (HTTP 500, malformed
 * XML), or one device that always stalls, says nothing about N-sight as a whole.
 */
export class UpstreamTracker {
  private lastOkAt: number | null = null;
  private firstFailureAt: number | null = null;
  private readonly failingResources = new Set<string>();
  private lastProblem: string | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** Seeds the last success from a restored state (so "unreachable since" stays honest). */
  restore(lastOkAt: string | null): void {
    if (lastOkAt && this.lastOkAt === null) this.lastOkAt = Date.parse(lastOkAt);
  }

  record(event: Pick<CallEvent, "outcome" | "service" | "params">): void {
    if (event.outcome === "ok") {
      this.lastOkAt = this.now();
      this.firstFailureAt = null;
      this.failingResources.clear();
      this.lastProblem = null;
      return;
    }
    const words = PROBLEM_WORDS[event.outcome];
    if (!words) return;
    this.firstFailureAt ??= this.now();
    this.failingResources.add(`${event.service}?${new URLSearchParams(event.params).toString()}`);
    this.lastProblem = words;
  }

  snapshot(): UpstreamHealth {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const failing = this.firstFailureAt !== null && this.failingResources.size >= 2;
    return {
      status: failing ? "failing" : this.lastOkAt !== null ? "ok" : "unknown",
      lastOkAt: iso(this.lastOkAt),
      failingSince: failing ? iso(this.firstFailureAt) : null,
      lastProblem: failing ? this.lastProblem : null,
    };
  }
}
