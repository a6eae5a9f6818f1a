import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import type { DeviceLocation } from "@/lib/data/device-location";
import { displayName } from "@/lib/display-name";

/** `navigation: false` (a share link's page): no breadcrumb to the device's client, site or anything else. */
export async function DeviceHeader({ deviceId, location, navigation = true }: { deviceId: string; location: Promise<DeviceLocation | null>; navigation?: boolean }) {
  const found = await location;
  if (!found) {
    return (
      <>
        {navigation && <Breadcrumbs items={[{ label: "Clients", href: "/" }, { label: `Device ${deviceId}` }]} />}
        <h1 className="text-2xl font-semibold">Device {deviceId}</h1>
        <p className="text-sm text-muted">This device was not found in the client inventory N-sight lists for this key.</p>
      </>
    );
  }
  const { device, client } = found;
  return (
    <>
      {navigation && (
        <Breadcrumbs
          items={[
            { label: "Clients", href: "/" },
            { label: displayName(client.name, `Client ${client.clientId}`), href: `/clients/${client.clientId}` },
            { label: displayName(device.siteName, `Site ${device.siteId}`), href: `/clients/${client.clientId}/sites/${device.siteId}` },
            { label: displayName(device.name, `Device ${deviceId}`) },
          ]}
        />
      )}
      <div className="flex flex-wrap items-baseline gap-x-3">
        <h1 className="text-2xl font-semibold">{displayName(device.name, `Device ${deviceId}`)}</h1>
        <span className="text-sm text-muted">
          {device.type === "server" ? "Server" : "Workstation"} · {device.backupEnabled ? "Backup & Recovery on" : "Backup & Recovery off"}
          {device.description ? ` · ${device.description}` : ""}
        </span>
      </div>
    </>
  );
}

export function DeviceHeaderSkeleton({ deviceId }: { deviceId: string }) {
  return (
    <div className="space-y-2" role="status" aria-label="Loading the device's client and site…">
      <div className="h-5 w-72 animate-pulse rounded bg-surface-muted" />
      <h1 className="text-2xl font-semibold">Device {deviceId}</h1>
    </div>
  );
}
