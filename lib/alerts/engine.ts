import "server-only";
/** Turns fleet health into incidents and queued messages (docs/alerts.md): everything is written before anything is sent. */
import type { AlertConfig } from "../config";
import type { FleetDevice, FleetKnowledge, FleetPlugin, UpstreamHealth } from "../fleet/types";
import { listChannels } from "../store/alert-channels";
import type { Store } from "../store/db";
import { findIncident, listOpenIncidents, openIncident, resolveIncident, resolvedSince, updateIncident, type IncidentChange } from "../store/incidents";
import {
  dropHeldNotification,
  enqueueNotification,
  heldNotifications,
  openingNoticesSince,
  rewriteHeldNotification,
  type IncidentNotice,
} from "../store/notifications";
import { deleteSetting, getSetting, setSetting } from "../store/settings";
import { listActiveSnoozes, listMaintenanceWindows } from "../store/snoozes";
import { nextTurn, TurnCounter } from "../event-loop";
import { Dispatcher, type AlertLog, type DispatcherOptions } from "./dispatcher";
import { quietState } from "./quiet";
import { ALERT_SCHEMA, type AlertChannel, type AlertEvent, type AlertIncident, type AlertMessage, type ChannelSender, type IncidentKind, type IncidentRow } from "./types";

export interface AlertInput {
  devices: FleetDevice[];
  clients: { clientId: string; name: string; timezone: string | null }[];
  knowledge: FleetKnowledge;
  upstream: UpstreamHealth;
}

export interface AlertEngineOptions {
  db: Store;
  sender: ChannelSender;
  config: Pick<AlertConfig, "repeatMs" | "groupMs" | "unreachableAfterMs">;
  publicUrl: URL | null;
  now?: () => number;
  log?: AlertLog;
  dispatcher?: Pick<DispatcherOptions, "concurrency" | "timeoutMs" | "batch">;
}

const PROBLEM_STATES = new Set(["failed", "overdue", "warning"]);
const SUCCESS_STATUSES = new Set(["COMPLETED", "COMPLETED_WITH_ERRORS"]);
const DAY = 86_400_000;
/** The outage being reported: survives a restart, so one outage is one notice. */
export const OUTAGE_SETTING = "alerts.outage";

interface OutageRecord {
  failingSince: string;
  notifiedAt: number | null;
  problem: string | null;
}

const keyOf = (deviceId: string, plugin: string, kind: IncidentKind) => `${kind}\u0000${deviceId}\u0000${plugin}`;
const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

function validZone(zone: string | null): string {
  if (!zone) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

function newestStart(plugin: FleetPlugin): string | null {
  let newest: string | null = null;
  for (const s of plugin.recent) if (s.start && (newest === null || ms(s.start) > ms(newest))) newest = s.start;
  return newest;
}

/** Success and failure took turns at least twice in the last day: the plugin flaps. */
function alternates(plugin: FleetPlugin, now: number): boolean {
  const outcomes = plugin.recent.filter((s) => s.start && now - ms(s.start) <= DAY).map((s) => SUCCESS_STATUSES.has(s.status));
  let turns = 0;
  for (let i = 1; i < outcomes.length; i++) if (outcomes[i] !== outcomes[i - 1]) turns++;
  return turns >= 2;
}

/** The plugins in a problem state at `now`; a device overdue by the clock without per-plugin due times blames its oldest success. */
function pluginStates(device: FleetDevice): Map<string, FleetPlugin> {
  const out = new Map(device.plugins.map((p) => [p.plugin, p]));
  if (device.state === "overdue" && !device.plugins.some((p) => p.state === "failed" || p.state === "overdue") && device.plugins.length > 0) {
    const oldest = [...device.plugins].sort((a, b) => (ms(a.lastSuccessAt) || 0) - (ms(b.lastSuccessAt) || 0))[0]!;
    out.set(oldest.plugin, { ...oldest, state: "overdue" });
  }
  return out;
}

function healthReason(plugin: FleetPlugin): string {
  switch (plugin.state) {
    case "failed":
      return plugin.failedInARow > 1 ? `The last ${plugin.failedInARow} backups failed.` : "The latest backup failed.";
    case "overdue":
      return plugin.lastSuccessAt ? `No successful backup since ${plugin.lastSuccessAt}.` : "No backup has ever completed.";
    case "warning":
      return `The latest backup ended ${plugin.lastStatus.toLowerCase().replaceAll("_", " ")}.`;
    default:
      return "";
  }
}

/** Whether the plugin's sessions since the incident opened end with enough successes, and its state agrees. */
function recovered(incident: IncidentRow, plugin: FleetPlugin): boolean {
  if (plugin.state === "failed" || plugin.state === "overdue") return false;
  if (incident.state === "warning" && plugin.state !== "ok") return false;
  const since = ms(incident.lastSessionAt);
  // A backup already running when an overdue incident opened counts when it completes.
  const after = plugin.recent.filter((s) => s.start && (Number.isNaN(since) || ms(s.start) > since || (incident.state === "overdue" && ms(s.start) === since)));
  let streak = 0;
  for (let i = after.length - 1; i >= 0 && SUCCESS_STATUSES.has(after[i]!.status); i--) streak++;
  return streak >= incident.successesNeeded;
}

interface Pass {
  now: number;
  channels: AlertChannel[];
  opened: IncidentRow[];
  resolved: IncidentRow[];
  open: Map<string, IncidentRow>;
  quiet: (incident: IncidentRow) => boolean;
}

export class AlertEngine {
  private readonly db: Store;
  private readonly now: () => number;
  private readonly log: AlertLog;
  private readonly dispatcher: Dispatcher;
  private evaluating: Promise<void> = Promise.resolve();
  /** Devices last read before this (state restored from disk at start-up) are no evidence until read again. */
  private readonly startedAt: number;

  constructor(private readonly options: AlertEngineOptions) {
    this.db = options.db;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.log = options.log ?? (() => undefined);
    this.dispatcher = new Dispatcher({ db: options.db, sender: options.sender, now: this.now, log: this.log, ...options.dispatcher });
  }

  /** One pass at a time, in call order. */
  evaluate(input: AlertInput): Promise<void> {
    const run = this.evaluating.then(() => this.evaluateNow(input));
    this.evaluating = run.catch(() => undefined);
    return run;
  }

  async dispatchDue(): Promise<void> {
    await this.dispatcher.dispatchDue();
  }

  private async evaluateNow(input: AlertInput): Promise<void> {
    // The caller just built the fleet view: the pass starts in a turn of its own.
    await nextTurn();
    const now = this.now();
    await this.trackOutage(input.upstream, now);
    // Missing data is not news: nothing opens, resolves or reminds until the whole fleet is read and N-sight answers.
    // Nor before N-sight has answered this process: until then "current" and "ok" are what was restored from disk.
    if (input.knowledge.kind !== "current" || input.upstream.status === "failing" || !(ms(input.upstream.lastOkAt) >= this.startedAt)) return;

    const [channels, snoozes, windows, openRows] = await Promise.all([
      listChannels(this.db).then((list) => list.filter((c) => c.enabled)),
      listActiveSnoozes(this.db, now),
      listMaintenanceWindows(this.db),
      listOpenIncidents(this.db),
    ]);
    // Checked when a client's incident is judged quiet, not for each of 2,500 clients on every pass: a check costs ~0.1 ms.
    const zoneNames = new Map(input.clients.map((c) => [c.clientId, c.timezone]));
    const zones = new Map<string, string>();
    const zoneOf = (clientId: string) => {
      let zone = zones.get(clientId);
      if (zone === undefined) zones.set(clientId, (zone = validZone(zoneNames.get(clientId) ?? null)));
      return zone;
    };
    const quiet = (i: { deviceId: string; clientId: string }) => quietState(i, snoozes, windows, zoneOf(i.clientId), now).quiet;

    const pass: Pass = { now, channels, opened: [], resolved: [], open: new Map(openRows.map((i) => [keyOf(i.deviceId, i.plugin, i.kind), i])), quiet };
    // Incidents and their messages together: a crash leaves neither an incident nobody will hear of nor a message about nothing.
    await this.db.transaction().execute(async (tx) => {
      await this.judgeDevices(tx, input.devices, pass);
      await this.queueNotices(tx, pass);
    });
    if (pass.opened.length || pass.resolved.length) this.log("info", "alerts.evaluated", { opened: pass.opened.length, resolved: pass.resolved.length });
  }

  private async judgeDevices(tx: Store, devices: FleetDevice[], pass: Pass): Promise<void> {
    const { now } = pass;
    // Only what the last loop asks about is kept: a pass over 50,000 devices yields between slices, and a map of every
    // device and a key per plugin would live across its turns, for the scavenger to copy.
    const withIncidents = new Set<string>();
    for (const incident of pass.open.values()) withIncidents.add(incident.deviceId);
    const byId = new Map<string, FleetDevice>();
    const touched = new Set<string>();
    // 50,000 devices are a long pass: it yields between slices (inside the transaction, which keeps it atomic).
    const turns = new TurnCounter();

    const resolve = async (incident: IncidentRow, resolution: string) => {
      if (await resolveIncident(tx, incident.id, now, resolution)) {
        pass.resolved.push({ ...incident, resolvedAt: now, resolution, changedAt: now });
        pass.open.delete(keyOf(incident.deviceId, incident.plugin, incident.kind));
      }
    };
    const change = async (incident: IncidentRow, patch: IncidentChange & { state: string; reason: string }) => {
      const stateChanged = patch.state !== incident.state;
      const full: IncidentChange = stateChanged ? { ...patch, changedAt: now } : patch;
      await updateIncident(tx, incident.id, full);
      const updated = { ...incident, ...patch, changedAt: stateChanged ? now : incident.changedAt };
      pass.open.set(keyOf(incident.deviceId, incident.plugin, incident.kind), updated);
    };
    const open = async (device: FleetDevice, plugin: string, kind: IncidentKind, state: string, reason: string, sessionAt: string | null, alternating: boolean) => {
      const flapping = alternating || (kind === "health" && (await resolvedSince(tx, { deviceId: device.deviceId, plugin, kind }, now - DAY)));
      const row = await openIncident(tx, {
        kind,
        deviceId: device.deviceId,
        plugin,
        clientId: device.clientId,
        siteId: device.siteId,
        deviceName: device.name,
        clientName: device.clientName,
        siteName: device.siteName,
        state,
        reason,
        openedAt: now,
        changedAt: now,
        flapping,
        successesNeeded: flapping ? 2 : 1,
        lastSessionAt: sessionAt,
      });
      pass.opened.push(row);
      const key = keyOf(device.deviceId, plugin, kind);
      pass.open.set(key, row);
      touched.add(key);
    };

    // Unread, unreadable or not read since start-up: its last known state is no evidence either way.
    const judged = (d: FleetDevice) => d.readAt !== null && d.readError === null && ms(d.readAt) >= this.startedAt;
    for (const device of devices) {
      const turn = turns.tick();
      if (turn) await turn;
      if (withIncidents.has(device.deviceId)) byId.set(device.deviceId, device);
      if (!device.backupEnabled || !judged(device)) continue;
      const plugins = pluginStates(device);
      for (const plugin of plugins.values()) {
        const key = keyOf(device.deviceId, plugin.plugin, "health");
        const existing = pass.open.get(key);
        const problem = PROBLEM_STATES.has(plugin.state);
        if (existing) {
          touched.add(key);
          if (recovered(existing, plugin)) {
            await resolve(existing, "recovered");
          } else {
            const reason = problem ? healthReason(plugin) : existing.reason;
            const state = problem ? plugin.state : existing.state;
            if (state !== existing.state || reason !== existing.reason || device.name !== existing.deviceName) {
              await change(existing, { state, reason, deviceName: device.name, clientName: device.clientName, siteName: device.siteName });
            }
            continue;
          }
        }
        if (problem) await open(device, plugin.plugin, "health", plugin.state, healthReason(plugin), newestStart(plugin), alternates(plugin, now));
      }
      const anomalies = new Map<string, { rule: string; reasons: string[]; sessionStart: string | null }>();
      for (const a of device.anomalies) {
        const entry = anomalies.get(a.plugin);
        if (entry) entry.reasons.push(a.reason);
        else anomalies.set(a.plugin, { rule: a.rule, reasons: [a.reason], sessionStart: a.sessionStart });
      }
      for (const [plugin, a] of anomalies) {
        const key = keyOf(device.deviceId, plugin, "anomaly");
        const existing = pass.open.get(key);
        const reason = a.reasons.join(" ");
        if (!existing) {
          await open(device, plugin, "anomaly", a.rule, reason, a.sessionStart, false);
          continue;
        }
        touched.add(key);
        if (existing.state !== a.rule || existing.reason !== reason) await change(existing, { state: a.rule, reason });
      }
    }

    for (const incident of [...pass.open.values()]) {
      const turn = turns.tick();
      if (turn) await turn;
      if (touched.has(keyOf(incident.deviceId, incident.plugin, incident.kind))) continue;
      const device = byId.get(incident.deviceId);
      if (!device) await resolve(incident, "device removed");
      else if (!device.backupEnabled) await resolve(incident, "backup turned off");
      else if (!judged(device)) continue;
      else await resolve(incident, incident.kind === "anomaly" ? "recovered" : "plugin no longer reported");
    }
  }

  private channelsFor(incident: IncidentRow, channels: AlertChannel[]): AlertChannel[] {
    return channels.filter(
      (c) =>
        (c.clientIds.length === 0 || c.clientIds.includes(incident.clientId)) &&
        (incident.kind === "anomaly" ? c.anomalies : (c.states as string[]).includes(incident.state)),
    );
  }

  private async queueNotices(tx: Store, pass: Pass): Promise<void> {
    const { now, channels } = pass;
    const { repeatMs } = this.options.config;
    const openList = [...pass.open.values()];
    const relevant = [...openList, ...pass.resolved];
    if (relevant.length === 0 || channels.length === 0) return;
    const since = Math.min(...relevant.map((i) => i.openedAt));
    const notices = await openingNoticesSince(tx, since);
    // Who was told of which incident's opening, and in which message.
    const openedNotices = new Map<string, IncidentNotice[]>();
    for (const n of notices) {
      for (const id of n.incidentIds) {
        const list = openedNotices.get(id);
        if (list) list.push(n);
        else openedNotices.set(id, [n]);
      }
    }
    const held = (n: IncidentNotice) => n.status === "pending" && n.attempts === 0 && n.nextAttemptAt > now;
    const heardBy = (incidentId: string) => new Set((openedNotices.get(incidentId) ?? []).filter((n) => !held(n)).map((n) => n.channelId));
    const queuedFor = (incidentId: string) => new Set((openedNotices.get(incidentId) ?? []).map((n) => n.channelId));

    const openings = new Map<string, IncidentRow[]>();
    const resolutions = new Map<string, IncidentRow[]>();
    const reminders = new Map<string, IncidentRow[]>();
    const add = (target: Map<string, IncidentRow[]>, channelId: string, incident: IncidentRow) => {
      const key = `${channelId}\u0000${incident.clientId}`;
      const list = target.get(key);
      if (list) list.push(incident);
      else target.set(key, [incident]);
    };
    const notified = new Set<string>();

    for (const incident of pass.resolved) {
      // A channel whose opening message is still held never hears of it: take the incident out again.
      for (const n of openedNotices.get(incident.id) ?? []) if (held(n)) await this.withdraw(tx, n, incident.id);
      for (const channelId of heardBy(incident.id)) if (channels.some((c) => c.id === channelId)) add(resolutions, channelId, incident);
    }

    for (const incident of openList) {
      if (pass.quiet(incident)) continue;
      const already = queuedFor(incident.id);
      for (const channel of this.channelsFor(incident, channels)) {
        // A channel hears of incidents that open (or change into its states) after it was made, not of old ones.
        if (already.has(channel.id) || channel.createdAt > incident.changedAt) continue;
        add(openings, channel.id, incident);
        notified.add(incident.id);
      }
      if (incident.lastNotifiedAt !== null && now - incident.lastNotifiedAt >= repeatMs && !notified.has(incident.id)) {
        for (const channelId of heardBy(incident.id)) if (channels.some((c) => c.id === channelId)) add(reminders, channelId, incident);
        notified.add(incident.id);
      }
    }

    await this.queueGrouped(tx, "incident.opened", openings, now + this.options.config.groupMs, pass);
    await this.queueGrouped(tx, "incident.resolved", resolutions, now + this.options.config.groupMs, pass);
    await this.queueGrouped(tx, "incident.reminder", reminders, now, pass);
    for (const id of notified) await updateIncident(tx, id, { lastNotifiedAt: now });
  }

  private async withdraw(tx: Store, notice: IncidentNotice, incidentId: string): Promise<void> {
    const ids = notice.incidentIds.filter((id) => id !== incidentId);
    if (ids.length === 0) return dropHeldNotification(tx, notice.id);
    const rows = (await Promise.all(ids.map((id) => findIncident(tx, id)))).filter((r): r is IncidentRow => r !== null);
    await rewriteHeldNotification(tx, notice.id, ids, this.buildMessage("incident.opened", rows, notice.id), this.now());
    notice.incidentIds = ids;
  }

  /** Into the message this channel already holds for the client (its window still open), else a new one held until `notBefore`. */
  private async queueGrouped(tx: Store, event: AlertEvent, groups: Map<string, IncidentRow[]>, notBefore: number, pass: Pass): Promise<void> {
    for (const [key, incidents] of groups) {
      const channelId = key.slice(0, key.indexOf("\u0000"));
      const clientId = incidents[0]!.clientId;
      if (notBefore > pass.now) {
        const holding = (await heldNotifications(tx, channelId, event, pass.now)).find((n) => n.message.client?.id === clientId);
        if (holding) {
          const ids = [...holding.incidentIds, ...incidents.map((i) => i.id).filter((id) => !holding.incidentIds.includes(id))];
          const rows = (await Promise.all(ids.map(async (id) => incidents.find((i) => i.id === id) ?? (await findIncident(tx, id))))).filter(
            (r): r is IncidentRow => r !== null,
          );
          if (await rewriteHeldNotification(tx, holding.id, ids, this.buildMessage(event, rows, holding.id), pass.now)) continue;
        }
      }
      const first = incidents[0]!;
      const dedupeKey =
        event === "incident.reminder" ? `reminder:${first.id}:${first.lastNotifiedAt ?? 0}` : `${event === "incident.opened" ? "opened" : "resolved"}:${first.id}`;
      await enqueueNotification(
        tx,
        { channelId, event, dedupeKey, incidentIds: incidents.map((i) => i.id), message: this.buildMessage(event, incidents), notBefore },
        pass.now,
      );
    }
  }

  private async trackOutage(upstream: UpstreamHealth, now: number): Promise<void> {
    const stored = await getSetting(this.db, OUTAGE_SETTING);
    let outage: OutageRecord | null = null;
    if (stored) {
      try {
        outage = JSON.parse(stored) as OutageRecord;
      } catch {
        outage = null;
      }
    }
    // Over only when N-sight answered after it began: right after a restart the status says "ok" on the strength of an
    // answer from before the outage.
    if (outage && ms(upstream.lastOkAt) > ms(outage.failingSince)) {
      const ended = outage;
      await this.db.transaction().execute(async (tx) => {
        if (ended.notifiedAt !== null) await this.queueToAll(tx, "nsight.recovered", `recovered:${ended.failingSince}`, ended, upstream, now);
        await deleteSetting(tx, OUTAGE_SETTING);
      });
      if (ended.notifiedAt !== null) this.log("info", "alerts.nsight_recovered", { failingSince: ended.failingSince });
      outage = null;
    }
    if (upstream.status !== "failing") return;
    if (!outage) {
      outage = { failingSince: upstream.failingSince ?? new Date(now).toISOString(), notifiedAt: null, problem: upstream.problem };
      await setSetting(this.db, OUTAGE_SETTING, JSON.stringify(outage));
    }
    if (outage.notifiedAt === null && now - ms(outage.failingSince) >= this.options.config.unreachableAfterMs) {
      const notice: OutageRecord = { ...outage, notifiedAt: now, problem: upstream.problem ?? outage.problem };
      await this.db.transaction().execute(async (tx) => {
        await this.queueToAll(tx, "nsight.unreachable", `unreachable:${notice.failingSince}`, notice, upstream, now);
        await setSetting(tx, OUTAGE_SETTING, JSON.stringify(notice));
      });
      this.log("warn", "alerts.nsight_unreachable", { failingSince: notice.failingSince });
    }
  }

  private async queueToAll(tx: Store, event: "nsight.unreachable" | "nsight.recovered", dedupeKey: string, outage: OutageRecord, upstream: UpstreamHealth, now: number) {
    const channels = (await listChannels(tx)).filter((c) => c.enabled);
    const minutes = Math.max(1, Math.round((now - ms(outage.failingSince)) / 60_000));
    const summary =
      event === "nsight.unreachable"
        ? `N-sight has not answered for ${minutes} min: backup states are not being updated`
        : `N-sight answers again after ${minutes} min: backup states are being updated`;
    const message: Omit<AlertMessage, "id"> = {
      schema: ALERT_SCHEMA,
      event,
      createdAt: new Date(now).toISOString(),
      summary,
      client: null,
      incidents: [],
      nsight: { failingSince: outage.failingSince, lastAnswerAt: upstream.lastOkAt, problem: outage.problem },
      dashboardUrl: this.link("/"),
    };
    for (const channel of channels) await enqueueNotification(tx, { channelId: channel.id, event, dedupeKey, incidentIds: [], message, notBefore: now }, now);
  }

  /** Under PUBLIC_URL's own path, if it has one. */
  private link(path: string): string | null {
    const base = this.options.publicUrl;
    if (!base) return null;
    return new URL(path.replace(/^\//, ""), base.href.endsWith("/") ? base.href : `${base.href}/`).href;
  }

  private toAlertIncident(row: IncidentRow): AlertIncident {
    return {
      id: row.id,
      kind: row.kind,
      state: row.state,
      reason: row.reason,
      deviceId: row.deviceId,
      deviceName: row.deviceName,
      plugin: row.plugin,
      clientId: row.clientId,
      clientName: row.clientName,
      siteId: row.siteId,
      siteName: row.siteName,
      openedAt: new Date(row.openedAt).toISOString(),
      resolvedAt: row.resolvedAt === null ? null : new Date(row.resolvedAt).toISOString(),
      durationSeconds: row.resolvedAt === null ? null : Math.round((row.resolvedAt - row.openedAt) / 1000),
      url: this.link(`/devices/${encodeURIComponent(row.deviceId)}`),
    };
  }

  private buildMessage(event: AlertEvent, incidents: IncidentRow[]): Omit<AlertMessage, "id">;
  private buildMessage(event: AlertEvent, incidents: IncidentRow[], id: string): AlertMessage;
  private buildMessage(event: AlertEvent, incidents: IncidentRow[], id?: string): AlertMessage | Omit<AlertMessage, "id"> {
    const first = incidents[0]!;
    const message: Omit<AlertMessage, "id"> = {
      schema: ALERT_SCHEMA,
      event,
      createdAt: new Date(this.now()).toISOString(),
      summary: summarise(event, incidents),
      client: { id: first.clientId, name: first.clientName },
      incidents: incidents.map((i) => this.toAlertIncident(i)),
      nsight: null,
      dashboardUrl: this.link("/incidents"),
    };
    return id === undefined ? message : { ...message, id };
  }
}

const STATE_LABEL: Record<string, string> = { failed: "Failed", overdue: "Overdue", warning: "Warning" };

function label(incident: IncidentRow): string {
  return incident.kind === "anomaly" ? "Anomaly" : (STATE_LABEL[incident.state] ?? incident.state);
}

function summarise(event: AlertEvent, incidents: IncidentRow[]): string {
  const first = incidents[0]!;
  const where = `${first.deviceName} (${first.clientName}), ${first.plugin}`;
  if (incidents.length === 1) {
    if (event === "incident.resolved") return `Resolved: ${where}`;
    if (event === "incident.reminder") return `Still ${label(first).toLowerCase()}: ${where}`;
    return `${label(first)}: ${where}`;
  }
  const counts = new Map<string, number>();
  for (const i of incidents) counts.set(label(i).toLowerCase(), (counts.get(label(i).toLowerCase()) ?? 0) + 1);
  const breakdown = [...counts].map(([state, n]) => `${n} ${state}`).join(", ");
  const verb = event === "incident.resolved" ? "resolved" : event === "incident.reminder" ? "still open" : "opened";
  return `${incidents.length} backup incidents ${verb} at ${first.clientName} (${breakdown})`;
}
