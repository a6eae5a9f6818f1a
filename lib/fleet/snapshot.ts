import "server-only";
/** Pure: a device whose next backup was due before `now` turns overdue between reads, so nothing looks fresher than it is. */
import { TurnCounter } from "../event-loop";
import { HEALTH_ORDER, type DeviceHealthState } from "../health/backup-health";
import type { StoredDevice } from "./fleet-store";
import {
  EMPTY_COUNTS,
  type FleetClientRollup,
  type FleetDevice,
  type FleetKnowledge,
  type FleetKnowledgeKind,
  type FleetProgress,
  type FleetSnapshot,
  type UpstreamHealth,
  type UpstreamProblem,
} from "./types";

/** The stored record itself unless the clock made it overdue: a build over 50,000 devices copies only those. */
export function effectiveDevice(record: StoredDevice, now: number): FleetDevice {
  if ((record.state === "ok" || record.state === "warning") && record.overdueAt && Date.parse(record.overdueAt) <= now) {
    const { overdueAt, ...device } = record;
    const plugins = device.plugins.map((p) =>
      (p.state === "ok" || p.state === "warning") && p.dueBy && Date.parse(p.dueBy) <= now ? { ...p, state: "overdue" as const } : p,
    );
    return { ...device, plugins, state: "overdue", since: overdueAt };
  }
  return record;
}

const RANK = new Map<DeviceHealthState, number>(HEALTH_ORDER.map((s, i) => [s, i]));

// One collator for every comparison: localeCompare with options builds one per call, the bulk of a sort's time.
const BY_NAME = new Intl.Collator("en", { sensitivity: "base" });

export function compareProblems(a: FleetDevice, b: FleetDevice): number {
  return (
    RANK.get(a.state)! - RANK.get(b.state)! ||
    b.failedInARow - a.failedInARow ||
    (a.since ?? "").localeCompare(b.since ?? "") ||
    BY_NAME.compare(a.name, b.name)
  );
}

export const PROBLEM_STATES: ReadonlySet<DeviceHealthState> = new Set(["failed", "overdue", "warning"]);

/** Whether the device is among those a snapshot at `at` lists (problems, quiet failures): the ones whose plugins its tiles show. */
export function listedInSnapshot(record: StoredDevice, at: number): boolean {
  return PROBLEM_STATES.has(effectiveDevice(record, at).state) || record.anomalies.length > 0;
}

const KNOWLEDGE_OF_PROBLEM: Record<UpstreamProblem, FleetKnowledgeKind> = { auth: "auth_refused", unreachable: "unreachable", throttled: "throttled" };

export function fleetKnowledge(progress: FleetProgress, upstream: UpstreamHealth): FleetKnowledge {
  const failing = upstream.status === "failing";
  const kind: FleetKnowledgeKind = failing ? KNOWLEDGE_OF_PROBLEM[upstream.problem ?? "unreachable"] : progress.fullPictureAt === null ? "reading" : "current";
  return {
    kind,
    since: failing ? upstream.failingSince : null,
    read: progress.read,
    total: progress.backupDevices,
    discovering: progress.inventoryReadAt === null,
    lastAnswerAt: upstream.lastOkAt,
    estimatedDoneAt: kind === "reading" ? progress.estimatedFullPictureAt : null,
  };
}

export interface SnapshotInput {
  devices: Iterable<StoredDevice>;
  clients: { clientId: string; name: string; timezone: string | null }[];
  progress: FleetProgress;
  upstream: UpstreamHealth;
  now: number;
  clientFilter?: ReadonlySet<string>;
}

/** One pass over the devices; problems stay unsorted, since a page is selected from them (fleet-answer.ts). */
export function buildSnapshot(input: SnapshotInput): FleetSnapshot {
  const builder = new SnapshotBuilder(input);
  for (const record of input.devices) builder.add(record);
  return builder.finish();
}

/** The same pass, yielding to the event loop between slices: a device changed meanwhile is counted once, as it is when reached. */
export async function buildSnapshotInTurns(input: SnapshotInput): Promise<FleetSnapshot> {
  const builder = new SnapshotBuilder(input);
  const turns = new TurnCounter();
  for (const record of input.devices) {
    const turn = turns.tick();
    if (turn) await turn;
    builder.add(record);
  }
  return builder.finish();
}

class SnapshotBuilder {
  private readonly counts = EMPTY_COUNTS();
  private readonly problems: FleetDevice[] = [];
  private readonly anomalous: FleetDevice[] = [];
  private readonly rollups = new Map<string, FleetClientRollup>();
  private total = 0;
  private newest: string | null = null;

  constructor(private readonly input: SnapshotInput) {
    for (const client of input.clients) {
      if (input.clientFilter && !input.clientFilter.has(client.clientId)) continue;
      this.rollups.set(client.clientId, { clientId: client.clientId, name: client.name, timezone: client.timezone, worst: null, counts: EMPTY_COUNTS(), devices: 0, anomalous: 0 });
    }
  }

  add(record: StoredDevice): void {
    const { input } = this;
    if (input.clientFilter && !input.clientFilter.has(record.clientId)) return;
    const device = effectiveDevice(record, input.now);
    this.total++;
    this.counts[device.state]++;
    if (PROBLEM_STATES.has(device.state)) this.problems.push(device);
    else if (device.anomalies.length > 0) this.anomalous.push(device);
    if (device.readAt && (!this.newest || device.readAt > this.newest)) this.newest = device.readAt;
    let rollup = this.rollups.get(device.clientId);
    if (!rollup) {
      rollup = { clientId: device.clientId, name: device.clientName, timezone: null, worst: null, counts: EMPTY_COUNTS(), devices: 0, anomalous: 0 };
      this.rollups.set(device.clientId, rollup);
    }
    rollup.devices++;
    rollup.counts[device.state]++;
    if (device.anomalies.length > 0) rollup.anomalous++;
    if (rollup.worst === null || RANK.get(device.state)! < RANK.get(rollup.worst)!) rollup.worst = device.state;
  }

  finish(): FleetSnapshot {
    const { input } = this;
    const clients = [...this.rollups.values()].sort(
      (a, b) => (a.worst === null ? 1 : 0) - (b.worst === null ? 1 : 0) || RANK.get(a.worst ?? "off")! - RANK.get(b.worst ?? "off")! || a.name.localeCompare(b.name),
    );
    return {
      asOf: new Date(input.now).toISOString(),
      counts: this.counts,
      total: this.total,
      progress: input.progress,
      upstream: input.upstream,
      knowledge: fleetKnowledge(input.progress, input.upstream),
      problems: this.problems,
      anomalous: this.anomalous,
      clients,
      newestReadAt: this.newest,
    };
  }
}
