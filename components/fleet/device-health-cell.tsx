import { HealthBadge } from "@/components/ui/status-badge";
import type { Principal } from "@/lib/auth/principal";
import { fleetDevicesOfClient } from "@/lib/data/fleet";
import type { FleetCounts, FleetDevice } from "@/lib/fleet/types";
import { EMPTY_COUNTS } from "@/lib/fleet/types";
import { formatAge } from "@/lib/format";
import { HEALTH_ORDER } from "@/lib/health/backup-health";
import { AnomalyMark } from "./anomaly-mark";
import { RollupText } from "./fleet-overview";

export function DeviceHealthCell({ device, now }: { device: FleetDevice | undefined; now: number }) {
  if (!device) return <span className="text-muted">Not known yet</span>;
  return (
    <span className="flex flex-wrap items-center gap-x-2">
      <HealthBadge state={device.state} />
      {device.readAt && <span className="text-xs text-muted">read {formatAge(device.readAt, now)}</span>}
      <AnomalyMark anomalies={device.anomalies} className="basis-full text-xs" />
    </span>
  );
}

export function fleetDevicesOrNone(principal: Principal, clientId: string): Map<string, FleetDevice> {
  try {
    return fleetDevicesOfClient(principal, clientId);
  } catch {
    return new Map();
  }
}

export function countStates(devices: Iterable<FleetDevice>): FleetCounts {
  const counts = EMPTY_COUNTS();
  for (const d of devices) counts[d.state]++;
  return counts;
}

export function HealthRollupLine({ devices }: { devices: FleetDevice[] }) {
  const counts = countStates(devices);
  const worst = HEALTH_ORDER.find((s) => counts[s] > 0);
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm" data-testid="health-rollup">
      <span className="font-medium">Backup health:</span>
      {worst && <HealthBadge state={worst} />}
      <RollupText counts={counts} />
    </p>
  );
}
