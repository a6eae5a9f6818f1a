/** The shapes every part of alerting agrees on (docs/alerts.md): the engine queues AlertMessages, channels deliver them. */
import type { HealthState } from "../health/backup-health";

export const CHANNEL_TYPES = ["webhook", "email", "teams", "slack"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const ALERT_STATES = ["failed", "overdue", "warning"] as const;
export type AlertState = Extract<HealthState, (typeof ALERT_STATES)[number]>;

export interface AlertChannel {
  id: string;
  type: ChannelType;
  name: string;
  /** The URL, or the e-mail recipients. */
  target: string;
  secret: string | null;
  /** Empty: every client. */
  clientIds: string[];
  states: AlertState[];
  anomalies: boolean;
  enabled: boolean;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export const ALERT_EVENTS = ["incident.opened", "incident.resolved", "incident.reminder", "nsight.unreachable", "nsight.recovered", "test"] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

export type IncidentKind = "health" | "anomaly";

export interface IncidentRow {
  id: string;
  kind: IncidentKind;
  deviceId: string;
  plugin: string;
  clientId: string;
  siteId: string;
  deviceName: string;
  clientName: string;
  siteName: string;
  /** failed | overdue | warning, or an anomaly rule's name. */
  state: string;
  reason: string;
  openedAt: number;
  changedAt: number;
  flapping: boolean;
  successesNeeded: number;
  lastSessionAt: string | null;
  lastNotifiedAt: number | null;
  resolvedAt: number | null;
  resolution: string | null;
}

/** One incident as a message carries it; times are ISO 8601 UTC. */
export interface AlertIncident {
  id: string;
  kind: IncidentKind;
  state: string;
  reason: string;
  deviceId: string;
  deviceName: string;
  plugin: string;
  clientId: string;
  clientName: string;
  siteId: string;
  siteName: string;
  openedAt: string;
  resolvedAt: string | null;
  /** Open for this long when resolved; null while open. */
  durationSeconds: number | null;
  /** Absolute device page link when PUBLIC_URL is set. */
  url: string | null;
}

export const ALERT_SCHEMA = "nsight-backup-dashboard.alert/v1";

/** The generic webhook's body, versioned: fields may be added, never renamed or removed within v1. */
export interface AlertMessage {
  schema: typeof ALERT_SCHEMA;
  event: AlertEvent;
  /** The notification's id: a receiver can drop a retried delivery it has already seen. */
  id: string;
  createdAt: string;
  /** One line, for a subject or a chat preview. */
  summary: string;
  client: { id: string; name: string } | null;
  incidents: AlertIncident[];
  /** For nsight.*: since when N-sight has failed, what it last answered. */
  nsight: { failingSince: string | null; lastAnswerAt: string | null; problem: string | null } | null;
  dashboardUrl: string | null;
}

export type DeliveryResult =
  | { ok: true; statusCode: number | null }
  | { ok: false; statusCode: number | null; error: string; retryAfterMs?: number; permanent?: boolean };

export interface ChannelSender {
  deliver(channel: AlertChannel, message: AlertMessage, signal: AbortSignal): Promise<DeliveryResult>;
}

/** Slack takes about one message a second per webhook, Teams Workflows four. */
export const MIN_INTERVAL_MS: Readonly<Record<ChannelType, number>> = { webhook: 0, email: 0, teams: 250, slack: 1_000 };

/** Retries stop a day after the notification was queued. */
export const GIVE_UP_AFTER_MS = 86_400_000;
