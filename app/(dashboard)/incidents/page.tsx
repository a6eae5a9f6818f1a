import type { Metadata } from "next";
import Link from "next/link";
import { AdminTable, BUTTON, Cell, INPUT } from "@/components/admin/admin-ui";
import { NoAccess } from "@/components/auth/no-access";
import { IncidentTable } from "@/components/incidents/incident-table";
import { MaintenanceWindowForm } from "@/components/incidents/maintenance-window-form";
import { ViewerTime, ViewerZoneNote } from "@/components/incidents/viewer-time";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { RevokeButton } from "@/components/ui/revoke-button";
import { can } from "@/lib/auth/access";
import { lacks, pagePrincipal } from "@/lib/auth/page";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { currentTime } from "@/lib/clock";
import { readFleetSnapshot } from "@/lib/data/fleet";
import { displayName } from "@/lib/display-name";
import { formatDuration, safeZone } from "@/lib/format";
import { incidentsHref, parseIncidentQuery, WEEKDAY_NAMES } from "@/lib/incidents/incident-query";
import { readIncidents, RECENT_DAYS } from "@/lib/incidents/incident-views";
import { snoozesOf, windowsOf } from "@/lib/incidents/quiet-controls";
import type { SearchParams } from "@/lib/view/list-view";

export const metadata: Metadata = { title: "Incidents" };

/** The clients this principal may see, as the fleet state knows them (never N-sight). */
function visibleClients(principal: Principal): { clientId: string; name: string; zone: string }[] {
  try {
    return readFleetSnapshot(principal)
      .clients.map((c) => ({ clientId: c.clientId, name: displayName(c.name, `Client ${c.clientId}`), zone: safeZone(c.timezone) }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await pagePrincipal("/incidents");
  if (lacks(principal, "incidents.read")) return <NoAccess who={describePrincipal(principal)} />;
  const query = parseIncidentQuery(await searchParams);
  const now = currentTime();
  const [incidents, snoozes, windows] = await Promise.all([readIncidents(principal, query, now), snoozesOf(principal, now), windowsOf(principal, now)]);
  const clients = visibleClients(principal);
  const mayQuiet = can(principal, "incidents.snooze");
  const open = incidents.filter((i) => i.resolvedAt === null);
  const snoozed = open.filter((i) => i.quiet !== null).length;

  return (
    <>
      <Breadcrumbs items={[{ label: "Clients", href: "/" }, { label: "Incidents" }]} />
      <h1 className="text-2xl font-semibold">Incidents</h1>
      <p className="text-sm text-muted">
        Open incidents first, then those resolved in the last {RECENT_DAYS} days. <ViewerZoneNote />
      </p>

      <form method="get" action="/incidents" className="flex flex-wrap items-end gap-3 text-sm" aria-label="Filter incidents">
        <label className="block">
          Client
          <select name="client" defaultValue={query.clientId ?? ""} className={`${INPUT} mt-1 block max-w-64`}>
            <option value="">All clients</option>
            {clients.map((c) => (
              <option key={c.clientId} value={c.clientId}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          State
          <select name="state" defaultValue={query.state} className={`${INPUT} mt-1 block`}>
            <option value="all">Open and recent</option>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
          </select>
        </label>
        <label className="block">
          Kind
          <select name="kind" defaultValue={query.kind ?? ""} className={`${INPUT} mt-1 block`}>
            <option value="">All kinds</option>
            <option value="health">Backup health</option>
            <option value="anomaly">Quiet failure</option>
          </select>
        </label>
        {query.deviceId && <input type="hidden" name="device" value={query.deviceId} />}
        <button type="submit" className={BUTTON}>
          Apply
        </button>
        {query.deviceId && (
          <Link href={incidentsHref({ ...query, deviceId: null })} className="text-accent hover:underline">
            Show every device, not only device {query.deviceId}
          </Link>
        )}
      </form>

      <p className="font-medium" data-testid="incident-summary">
        {open.length} open{snoozed ? `, ${snoozed} snoozed` : ""} · {incidents.length - open.length} resolved in the last {RECENT_DAYS} days
      </p>
      {incidents.length === 0 ? (
        <p className="text-sm text-muted">No incidents match this view.</p>
      ) : (
        <IncidentTable incidents={incidents} now={now} />
      )}

      <h2 className="pt-4 text-xl font-semibold">Snoozes and maintenance windows</h2>
      <p className="text-sm text-muted">Incidents stay open and shown while their alerts are held; notifying resumes when the snooze ends. Snooze a device or a client from its page.</p>
      <h3 className="text-lg font-semibold">Running snoozes</h3>
      {snoozes.length === 0 ? (
        <p className="text-sm text-muted">No snooze is running.</p>
      ) : (
        <AdminTable caption="Running snoozes" head={["What", "By", "Until", "Reason", ""]}>
          {snoozes.map((s) => {
            const name = s.targetName ? displayName(s.targetName, `${s.scope} ${s.targetId}`) : `${s.scope === "device" ? "Device" : "Client"} ${s.targetId}`;
            return (
              <tr key={s.id} data-snooze={s.id}>
                <Cell>
                  {s.scope === "device" ? "Device " : "Client "}
                  <Link href={s.scope === "device" ? `/devices/${s.targetId}` : `/clients/${s.targetId}`} className="text-accent hover:underline">
                    {name}
                  </Link>
                </Cell>
                <Cell>{s.createdByName}</Cell>
                <Cell className="whitespace-nowrap">
                  <ViewerTime ms={Date.parse(s.until)} />
                </Cell>
                <Cell>{s.reason}</Cell>
                <Cell>{mayQuiet && <RevokeButton url={`/api/snoozes/${s.id}`} label={`End the snooze of ${name} now`} text="End now" />}</Cell>
              </tr>
            );
          })}
        </AdminTable>
      )}
      <h3 className="text-lg font-semibold">Weekly maintenance windows</h3>
      {windows.length === 0 ? (
        <p className="text-sm text-muted">No maintenance window is planned.</p>
      ) : (
        <AdminTable caption="Weekly maintenance windows" head={["Client", "Starts", "Lasts", "Now", "Reason", "By", ""]}>
          {windows.map((w) => {
            const name = w.clientName ? displayName(w.clientName, `Client ${w.clientId}`) : `Client ${w.clientId}`;
            return (
              <tr key={w.id} data-window={w.id}>
                <Cell>{name}</Cell>
                <Cell>
                  {w.weekdays.map((d) => WEEKDAY_NAMES[d - 1]).join(", ")} at {w.start} <span className="text-muted">(client&apos;s time, {w.zone})</span>
                </Cell>
                <Cell className="whitespace-nowrap">{formatDuration(w.durationMinutes * 60)}</Cell>
                <Cell>
                  {w.activeUntil ? (
                    <>
                      <span aria-hidden="true">☾ </span>Running until <ViewerTime ms={Date.parse(w.activeUntil)} />
                    </>
                  ) : (
                    <span className="text-muted">not running</span>
                  )}
                </Cell>
                <Cell>{w.reason}</Cell>
                <Cell>{w.createdByName}</Cell>
                <Cell>{mayQuiet && <RevokeButton url={`/api/maintenance-windows/${w.id}`} label={`Delete the maintenance window of ${name}`} text="Delete" />}</Cell>
              </tr>
            );
          })}
        </AdminTable>
      )}
      {mayQuiet && (
        <>
          <h3 className="text-lg font-semibold">Plan a maintenance window</h3>
          <MaintenanceWindowForm clients={clients} />
        </>
      )}
    </>
  );
}
