import Link from "next/link";
import type { Principal } from "@/lib/auth/principal";
import { can } from "@/lib/auth/access";
import type { DeviceLocation } from "@/lib/data/device-location";
import { displayName } from "@/lib/display-name";
import { incidentsHref } from "@/lib/incidents/incident-query";
import { readDeviceIncidents } from "@/lib/incidents/incident-views";
import { runningFleet } from "@/lib/server/fleet";
import { pluginLabel } from "@/lib/session-status";
import { IncidentState } from "./incident-table";
import { QuietMarker } from "./quiet-marker";
import { SnoozeControl } from "./snooze-control";
import { ViewerTime } from "./viewer-time";

/** The device's open incidents per plugin, what holds its alerts, and its Snooze control: from the store and the fleet state, never N-sight. */
export async function DeviceIncidents({ principal, deviceId, location }: { principal: Principal; deviceId: string; location: Promise<DeviceLocation | null> }) {
  const clientId = runningFleet()?.device(deviceId)?.clientId ?? (await location)?.client.clientId;
  if (!clientId) return null;
  const { quiet, open } = await readDeviceIncidents(principal, { deviceId, clientId });
  const name = displayName(runningFleet()?.device(deviceId)?.name ?? (await location)?.device.name ?? "", `Device ${deviceId}`);
  return (
    <section aria-labelledby="device-incidents" className="space-y-2 rounded-lg border border-border bg-surface p-3" data-testid="device-incidents">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4">
        <h2 id="device-incidents" className="text-lg font-semibold">
          Incidents
        </h2>
        <Link href={incidentsHref({ deviceId })} className="text-sm text-accent hover:underline">
          All incidents of this device
        </Link>
      </div>
      {open.length === 0 ? (
        <p className="text-sm text-muted">No open incident.</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {open.map((incident) => (
            <li key={incident.id} data-incident={incident.id}>
              <IncidentState incident={incident} /> · {pluginLabel(incident.plugin)} since <ViewerTime ms={incident.openedAt} />
              <span className="text-muted"> · {incident.reason}</span>
            </li>
          ))}
        </ul>
      )}
      {quiet && <QuietMarker quiet={quiet} />}
      {can(principal, "incidents.snooze") && <SnoozeControl scope="device" targetId={deviceId} targetLabel={name} />}
    </section>
  );
}
