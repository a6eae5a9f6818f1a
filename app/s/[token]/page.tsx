import { currentTime } from "@/lib/clock";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { DeviceApiBaseProvider } from "@/components/devices/device-api";
import { DeviceControls } from "@/components/devices/device-controls";
import { DeviceHeader, DeviceHeaderSkeleton } from "@/components/devices/device-header";
import { DeviceHistoryPanel } from "@/components/devices/device-history-panel";
import { CountShareView } from "@/components/devices/count-share-view";
import { QueryProvider } from "@/components/providers/query-provider";
import { SessionTable } from "@/components/sessions/session-table";
import { ClientReportView } from "@/components/reports/client-report-view";
import { ErrorState } from "@/components/ui/states";
import { sharePrincipalFrom } from "@/lib/auth/resolve";
import { getReportClient } from "@/lib/data/nsight-data";
import { findDeviceLocation } from "@/lib/data/device-location";
import { parseDeviceView } from "@/lib/device-view/view";
import { safeZone } from "@/lib/format";
import { withParams, firstParam, type SearchParams } from "@/lib/view/list-view";

export default async function SharedDevicePage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<SearchParams> }) {
  const { token } = await params;
  const principal = await sharePrincipalFrom(token);
  if (!principal) redirect("/s/expired");
  const base = `/s/${token}`;
  const query = await searchParams;
  if (principal.deviceId === null) {
    // A report link: its one client's report for its one month, whatever the address asks.
    const client = await getReportClient(principal, principal.clientId, principal.reportMonth).catch(() => null);
    if (!client) return <ErrorState title="Report not available" message="N-sight did not answer for this client; try again later." />;
    return (
      <>
        <CountShareView base={base} />
        <ClientReportView principal={principal} client={client.data} askedMonth={principal.reportMonth} now={currentTime()} mode="shared" canShare={false} />
      </>
    );
  }
  if (Object.keys(query).length === 0 && principal.view) redirect(`${base}?${principal.view}`);
  const view = parseDeviceView(query);
  const askedZone = firstParam(query, "tz");
  if (askedZone && view.tz && askedZone !== view.tz) redirect(`${base}${withParams(query, { tz: view.tz })}`);

  const { deviceId } = principal;
  const location = findDeviceLocation(principal, deviceId, principal.clientId).catch(() => null);
  const backup = location.then((found) => (found ? { backupEnabled: found.device.backupEnabled } : null));
  const locatedZone = location.then((found) => (found?.client.timezone ? safeZone(found.client.timezone) : null));
  const zone = view.tz ?? "UTC";

  return (
    <QueryProvider>
      <DeviceApiBaseProvider base={base}>
        <CountShareView base={base} />
        <Suspense fallback={<DeviceHeaderSkeleton deviceId={deviceId} />}>
          <DeviceHeader deviceId={deviceId} location={location} navigation={false} />
        </Suspense>
        <DeviceHistoryPanel
          deviceId={deviceId}
          zone={zone}
          backup={backup}
          controls={<DeviceControls deviceId={deviceId} zone={zone} clientZone={locatedZone} clientHint={null} shared />}
        />
        <SessionTable deviceId={deviceId} zone={zone} />
      </DeviceApiBaseProvider>
    </QueryProvider>
  );
}
