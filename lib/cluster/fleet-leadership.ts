import "server-only";
import type { FleetStore } from "../fleet/fleet-store";
import type { FleetRefresher } from "../fleet/refresher";
import { FencedWriteError } from "../store/fleet-state";
import { FleetChangePublisher, FleetFollower } from "./fleet-notices";
import { LeaderLease, type DemotionReason, type LeaderLeaseOptions } from "./leader-lease";
import type { RedisLink } from "./redis-link";

/**
 * What the lease decides, done (docs/deployment.md § One refresher: the leader): the leader restores the fleet
 * from the store, reads N-sight and runs the alerts; every other instance follows what it writes.
 */

export interface LeadershipParts {
  link: RedisLink;
  instanceId: string;
  refresher: FleetRefresher;
  store: FleetStore;
  /** The work beside the refresher that must run once per fleet (the alert engine); `mayRun` says whether this instance still leads. */
  alerts: { start(mayRun: () => boolean): Promise<unknown>; stop(): void | Promise<void> };
  /** After the leader's restore: what else is warmed from the shared state. */
  warm?: (restored: { upstreamLastOkAt: string | null }) => void;
  lease?: Partial<Omit<LeaderLeaseOptions, "link" | "instanceId">>;
  log?: (level: "info" | "warn" | "error", event: string, fields?: Record<string, unknown>) => void;
}

export class FleetLeadership {
  readonly lease: LeaderLease;
  readonly follower: FleetFollower;
  private publisher: FleetChangePublisher | null = null;
  /** Elections and demotions are carried out one after another, in the order the lease decided them. */
  private transitions: Promise<void> = Promise.resolve();
  private readonly log: NonNullable<LeadershipParts["log"]>;

  constructor(private readonly parts: LeadershipParts) {
    this.log = parts.log ?? (() => undefined);
    this.lease = new LeaderLease({ ...parts.lease, link: parts.link, instanceId: parts.instanceId });
    this.follower = new FleetFollower(parts.link, parts.refresher, { onError: (error) => this.log("warn", "fleet.follow_failed", { error: describe(error) }) });
    this.lease.on({
      elected: (fence) => this.enqueue(() => this.leadOrResign(fence)),
      demoted: (reason) => this.enqueue(() => this.standDown(reason)),
    });
  }

  /** Shows the fleet as the store holds it, then joins the election; resolves once the fleet is shown. */
  async begin(): Promise<void> {
    try {
      await this.parts.refresher.follow();
    } finally {
      // A store that failed to answer now is tried again by the follower's checks; the election goes on.
      this.follower.start();
      this.lease.start();
    }
  }

  /** Stops the work, then hands the lease over at once (on SIGTERM/SIGINT). */
  async stop(): Promise<void> {
    this.follower.stop();
    await this.lease.stop();
    await this.transitions;
  }

  /** The refresher wrote to the store: followers are told which devices. */
  published(deviceIds: readonly string[]): void {
    void this.publisher?.publish(deviceIds);
  }

  /** The store refused the refresher's write: a newer leader exists. */
  fenced(): void {
    void this.lease.resign();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(work).catch((error: unknown) => this.log("error", "leader.transition_failed", { error: describe(error) }));
    this.transitions = next;
    return next;
  }

  /** A leader that cannot start (the store refused its fence, or did not answer) lets another try rather than hold the lease idle. */
  private async leadOrResign(fence: number): Promise<void> {
    try {
      await this.lead(fence);
    } catch (error) {
      this.log("error", "leader.start_failed", { instance: this.parts.instanceId, fence, error: describe(error) });
      // Redis restarted empty hands out fences from 1 again: the next one must be above what the store has seen.
      if (error instanceof FencedWriteError) await this.parts.store.seenFence().then((seen) => (seen === null ? undefined : this.lease.raiseFenceAbove(seen))).catch(() => undefined);
      void this.lease.resign();
    }
  }

  private async lead(fence: number): Promise<void> {
    // Lost again while an earlier transition ran: the demotion queued after this one does the rest.
    if (!this.lease.isLeader || this.lease.status().fence !== fence) return;
    const { refresher, store } = this.parts;
    this.follower.stop();
    store.fence = fence;
    // Registered before anything else is written: from here a deposed leader's late write is refused.
    await store.claimFence();
    this.publisher = new FleetChangePublisher(this.parts.link, fence);
    const restored = await refresher.restore();
    this.parts.warm?.(restored);
    if (!this.lease.isLeader) return;
    refresher.start();
    await this.parts.alerts.start(() => this.lease.isLeader);
    this.log("info", "leader.elected", { instance: this.parts.instanceId, fence, devices: refresher.snapshot().total });
  }

  private async standDown(reason: DemotionReason): Promise<void> {
    const { refresher } = this.parts;
    await this.parts.alerts.stop();
    this.log(reason === "stopped" ? "info" : "warn", "leader.demoted", { instance: this.parts.instanceId, reason });
    if (reason === "stopped") {
      // Shutting down: the last changes are written (or refused by the fence), nothing more.
      await refresher.stop();
      this.publisher = null;
      return;
    }
    await refresher.follow();
    this.publisher = null;
    this.follower.start();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}
