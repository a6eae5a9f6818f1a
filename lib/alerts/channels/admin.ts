import "server-only";
import type { ChangeContext } from "../../admin/admin";
import { requireCapability } from "../../auth/access";
import { audit } from "../../auth/audit";
import type { Principal } from "../../auth/principal";
import { getAlertConfig, getAuthConfig } from "../../config";
import { MissingError, RequestError } from "../../http/request-error";
import { createChannel, deleteChannel, findChannel, listChannels, updateChannel, type ChannelChanges } from "../../store/alert-channels";
import { getStore } from "../../store/db";
import { listDeliveryLog, type DeliveryLogEntry } from "../../store/notifications";
import type { AlertChannel } from "../types";
import { createChannelSender, sendTest } from "./index";
import { channelJson, newWebhookSecret, secretProblem, targetProblem, type ChannelJson, type CreateChannelBody, type UpdateChannelBody } from "./settings";

const CHANNEL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DELIVERY_LOG_SIZE = 100;

type ChannelChangeContext = ChangeContext;

function refuse(problem: string | null): void {
  if (problem) throw new RequestError(`Invalid body: ${problem}`);
}

/** A malformed id is as unknown as a missing one. */
async function channelOrFail(id: string): Promise<AlertChannel> {
  const channel = CHANNEL_ID.test(id) ? await findChannel(await getStore(), id) : null;
  if (!channel) throw new MissingError("No such alert channel.");
  return channel;
}

function creatorOf(principal: Principal): string | null {
  return principal.kind === "user" ? principal.user.id : null;
}

export async function listChannelsFor(principal: Principal): Promise<ChannelJson[]> {
  requireCapability(principal, "alerts.manage");
  return (await listChannels(await getStore())).map(channelJson);
}

export async function channelFor(principal: Principal, id: string): Promise<ChannelJson> {
  requireCapability(principal, "alerts.manage");
  return channelJson(await channelOrFail(id));
}

/** The answer carries a webhook's secret this once (the generated one when none was given). */
export async function createChannelFor(ctx: ChannelChangeContext, body: CreateChannelBody): Promise<ChannelJson & { secret?: string }> {
  requireCapability(ctx.principal, "alerts.manage");
  refuse(targetProblem(body.type, body, true));
  refuse(secretProblem(body.type, body.secret));
  const secret = body.type === "webhook" ? (body.secret ?? newWebhookSecret()) : null;
  const channel = await createChannel(await getStore(), {
    type: body.type,
    name: body.name,
    target: (body.type === "email" ? body.to : body.url)!,
    secret,
    clientIds: [...new Set(body.clients)],
    states: [...new Set(body.states)],
    anomalies: body.anomalies,
    enabled: body.enabled,
    createdBy: creatorOf(ctx.principal),
  });
  await audit(ctx.principal, { action: "alert_channel.create", target: `alert_channel:${channel.id}`, detail: { type: channel.type, name: channel.name }, address: ctx.address });
  return secret === null ? channelJson(channel) : { ...channelJson(channel), secret };
}

export async function updateChannelFor(ctx: ChannelChangeContext, id: string, body: UpdateChannelBody): Promise<ChannelJson> {
  requireCapability(ctx.principal, "alerts.manage");
  const channel = await channelOrFail(id);
  refuse(targetProblem(channel.type, body, false));
  refuse(secretProblem(channel.type, body.secret));
  const changes: ChannelChanges = {
    name: body.name,
    target: channel.type === "email" ? body.to : body.url,
    secret: body.secret,
    clientIds: body.clients && [...new Set(body.clients)],
    states: body.states && [...new Set(body.states)],
    anomalies: body.anomalies,
    enabled: body.enabled,
  };
  const updated = await updateChannel(await getStore(), channel.id, changes);
  if (!updated) throw new MissingError("No such alert channel.");
  // Which fields changed, never their values: a URL or a secret is a credential.
  const fields = Object.entries(body).flatMap(([key, value]) => (value === undefined ? [] : [key]));
  await audit(ctx.principal, { action: "alert_channel.update", target: `alert_channel:${channel.id}`, detail: { type: channel.type, name: updated.name, fields }, address: ctx.address });
  return channelJson(updated);
}

export async function deleteChannelFor(ctx: ChannelChangeContext, id: string): Promise<void> {
  requireCapability(ctx.principal, "alerts.manage");
  const channel = await channelOrFail(id);
  if (!(await deleteChannel(await getStore(), channel.id))) throw new MissingError("No such alert channel.");
  await audit(ctx.principal, { action: "alert_channel.delete", target: `alert_channel:${channel.id}`, detail: { type: channel.type, name: channel.name }, address: ctx.address });
}

export interface TestAnswer {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  notificationId: string;
}

export async function testChannelFor(ctx: ChannelChangeContext, id: string): Promise<TestAnswer> {
  requireCapability(ctx.principal, "alerts.manage");
  const channel = await channelOrFail(id);
  const db = await getStore();
  const { smtpUrl, from } = getAlertConfig();
  const publicUrl = getAuthConfig().publicUrl;
  const { notification, result } = await sendTest(db, channel, createChannelSender({ db, publicUrl, smtpUrl, from }), { publicUrl });
  await audit(ctx.principal, { action: "alert_channel.test", target: `alert_channel:${channel.id}`, detail: { type: channel.type, name: channel.name, ok: result.ok }, address: ctx.address });
  return { ok: result.ok, statusCode: result.statusCode, error: result.ok ? null : result.error, notificationId: notification.id };
}

export function deliveryJson(entry: DeliveryLogEntry) {
  return {
    at: new Date(entry.at).toISOString(),
    event: entry.event,
    summary: entry.summary,
    attempt: entry.attempt,
    ok: entry.ok,
    statusCode: entry.statusCode,
    error: entry.error,
    durationMs: entry.durationMs,
    notificationId: entry.notificationId,
    notificationStatus: entry.notificationStatus,
  };
}

export async function deliveriesFor(principal: Principal, id: string): Promise<ReturnType<typeof deliveryJson>[]> {
  requireCapability(principal, "alerts.manage");
  const channel = await channelOrFail(id);
  return (await listDeliveryLog(await getStore(), { channelId: channel.id, limit: DELIVERY_LOG_SIZE })).map(deliveryJson);
}

/** Each channel's latest attempts, for the admin page. */
export async function deliveryLogsFor(principal: Principal, channelIds: string[], limit: number): Promise<Map<string, ReturnType<typeof deliveryJson>[]>> {
  requireCapability(principal, "alerts.manage");
  const db = await getStore();
  const logs = new Map<string, ReturnType<typeof deliveryJson>[]>();
  for (const id of channelIds) logs.set(id, (await listDeliveryLog(db, { channelId: id, limit })).map(deliveryJson));
  return logs;
}
