import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { Suspense } from "react";
import { DeviceControls } from "@/components/devices/device-controls";
import { DeviceHeader, DeviceHeaderSkeleton } from "@/components/devices/device-header";
import { DeviceHistoryPanel } from "@/components/devices/device-history-panel";
import { DeviceIncidents } from "@/components/incidents/device-incidents";
import { QueryProvider } from "@/components/providers/query-provider";
import { SessionTable } from "@/components/sessions/session-table";
import { NoAccess } from "@/components/auth/no-access";
import { can, canSeeDevice } from "@/lib/auth/access";
import { lacks, pagePrincipal } from "@/lib/auth/page";
import { describePrincipal } from "@/lib/auth/principal";
import { findDeviceLocation, peekDeviceLocation } from "@/lib/data/device-location";
import { parseDeviceView } from "@/lib/device-view/view";
import { safeZone } from "@/lib/format";
import { isNsightId } from "@/lib/nsight/client";
import { firstParam, withParams, type SearchParams } from "@/lib/view/list-view";

export const metadata: Metadata = { title: "Device backups" };

export default async function DevicePage({ params, searchParams }: { params: Promise<{ deviceId: string }>; searchParams: Promise<SearchParams> }) {
  const { deviceId } = await params;
  if (!isNsightId(deviceId)) notFound();
  const principal = await pagePrincipal(`/devices/${deviceId}`);
  if (lacks(principal, "device.read")) return <NoAccess who={describePrincipal(principal)} />;
  // Another client's device is, to this principal, a device that does not exist.
  if (!canSeeDevice(principal, deviceId)) notFound();
  const query = await searchParams;
  const hint = firstParam(query, "client");
  const clientHint = hint && isNsightId(hint) ? hint : undefined;
  const view = parseDeviceView(query);
  const askedZone = firstParam(query, "tz");
  if (askedZone && view.tz && askedZone !== view.tz) redirect(`/devices/${deviceId}${withParams(query, { tz: view.tz })}`);

  let cached = null;
  try {
    cached = peekDeviceLocation(principal, deviceId, clientHint);
  } catch {
  }
  const clientZone = cached?.client.timezone ? safeZone(cached.client.timezone) : null;
  const zone = view.tz ?? clientZone ?? "UTC";
  const location = findDeviceLocation(principal, deviceId, clientHint).catch(() => null);
  const backup = location.then((found) => (found ? { backupEnabled: found.device.backupEnabled } : null));
  const locatedZone = location.then((found) => (found?.client.timezone ? safeZone(found.client.timezone) : null));

  return (
    <QueryProvider>
      <Suspense fallback={<DeviceHeaderSkeleton deviceId={deviceId} />}>
        <DeviceHeader deviceId={deviceId} location={location} />
      </Suspense>
      <DeviceHistoryPanel
        deviceId={deviceId}
        zone={zone}
        backup={backup}
        incidents={
          can(principal, "incidents.read") && (
            <Suspense fallback={null}>
              <DeviceIncidents principal={principal} deviceId={deviceId} location={location} />
            </Suspense>
          )
        }
        controls={<DeviceControls deviceId={deviceId} zone={zone} clientZone={locatedZone} clientHint={clientHint ?? null} canShare={can(principal, "share.create")} />}
      />
      <SessionTable deviceId={deviceId} zone={zone} />
    </QueryProvider>
  );
}
