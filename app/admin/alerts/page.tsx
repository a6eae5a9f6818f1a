import type { Metadata } from "next";
import { AdminTable, Cell, When } from "@/components/admin/admin-ui";
import { DeleteChannelButton, EditChannelForm, NewChannelForm, SendTestButton, type ClientOption } from "@/components/admin/alert-channel-controls";
import { adminPagePrincipal } from "@/lib/admin/page";
import { deliveryLogsFor, listChannelsFor } from "@/lib/alerts/channels/admin";
import { getClients } from "@/lib/data/nsight-data";
import { displayName } from "@/lib/display-name";
import { isNsightError } from "@/lib/nsight/errors";

export const metadata: Metadata = { title: "Alerts" };

const TYPE_LABEL = { webhook: "Webhook", email: "E-mail", teams: "Teams", slack: "Slack" } as const;
const LOG_ROWS = 20;

export default async function AlertsPage() {
  const principal = await adminPagePrincipal("alerts.manage");
  const channels = await listChannelsFor(principal);
  const logs = await deliveryLogsFor(principal, channels.map((c) => c.id), LOG_ROWS);
  let clients: ClientOption[] = [];
  try {
    clients = (await getClients(principal)).data.map((c) => ({ clientId: c.clientId, name: displayName(c.name, `Client ${c.clientId}`) }));
  } catch (error) {
    if (!isNsightError(error)) throw error;
  }
  const clientName = new Map(clients.map((c) => [c.clientId, c.name]));
  return (
    <>
      <h1 className="text-2xl font-semibold">Alerts</h1>
      <p className="max-w-prose text-sm text-muted">
        Where the dashboard sends a message when a backup fails or goes overdue, when it recovers, and when N-sight cannot be reached. A channel&apos;s URL and signing
        secret are credentials: they are shown only when you enter them. The webhook format and how to verify its signature are in the project&apos;s docs/webhooks.md.
      </p>
      <NewChannelForm clients={clients} />
      <h2 className="pt-2 text-xl font-semibold">Channels</h2>
      {channels.length === 0 ? (
        <p className="text-sm text-muted">No alert channel yet: nobody is told when a backup fails.</p>
      ) : (
        <ul className="space-y-4">
          {channels.map((channel) => {
            const log = logs.get(channel.id) ?? [];
            return (
              <li key={channel.id} data-channel={channel.name} className="space-y-3 rounded-lg border border-border bg-surface p-4">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h3 className="text-lg font-semibold break-all">{channel.name}</h3>
                  <span className="text-sm text-muted">
                    {TYPE_LABEL[channel.type]}
                    {channel.enabled ? "" : " · disabled"}
                  </span>
                </div>
                <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                  <dt className="text-muted">{channel.type === "email" ? "To" : "URL"}</dt>
                  <dd className="break-all">{channel.target}</dd>
                  <dt className="text-muted">Notifies on</dt>
                  <dd>
                    {channel.states.join(", ")}
                    {channel.anomalies ? ", quiet failures" : ""}
                  </dd>
                  <dt className="text-muted">Clients</dt>
                  <dd>{channel.clients.length ? channel.clients.map((id) => clientName.get(id) ?? `Client ${id}`).join(", ") : "All clients"}</dd>
                </dl>
                <div className="flex flex-wrap items-center gap-2">
                  <SendTestButton channelId={channel.id} name={channel.name} />
                  <DeleteChannelButton channelId={channel.id} name={channel.name} />
                </div>
                <details>
                  <summary className="cursor-pointer text-sm font-medium text-accent">Edit {channel.name}</summary>
                  <EditChannelForm channel={channel} clients={clients} />
                </details>
                <details open={log.length > 0 && !log[0]!.ok}>
                  <summary className="cursor-pointer text-sm font-medium text-accent">Delivery log ({log.length === LOG_ROWS ? `last ${LOG_ROWS}` : log.length})</summary>
                  {log.length === 0 ? (
                    <p className="pt-2 text-sm text-muted">Nothing sent yet.</p>
                  ) : (
                    <div className="pt-2">
                      <AdminTable caption={`Delivery log of ${channel.name}`} head={["Time", "Event", "Attempt", "Result"]}>
                        {log.map((entry) => (
                          <tr key={`${entry.notificationId}-${entry.attempt}`} data-delivery={entry.event}>
                            <Cell className="whitespace-nowrap">
                              <When ms={Date.parse(entry.at)} />
                            </Cell>
                            <Cell>
                              {entry.event}
                              <span className="block text-xs text-muted">{entry.summary}</span>
                            </Cell>
                            <Cell>{entry.attempt}</Cell>
                            <Cell>
                              <span aria-hidden="true">{entry.ok ? "✔ " : "✖ "}</span>
                              {entry.ok ? `Delivered${entry.statusCode ? ` (${entry.statusCode})` : ""}` : `Failed: ${entry.error ?? "unknown"}`}
                              {!entry.ok && <span className="block text-xs text-muted">{entry.notificationStatus === "pending" ? "will retry" : "given up"}</span>}
                            </Cell>
                          </tr>
                        ))}
                      </AdminTable>
                    </div>
                  )}
                </details>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
