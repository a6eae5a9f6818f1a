import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { NoAccess } from "@/components/auth/no-access";
import { fleetDevicesOrNone } from "@/components/fleet/device-health-cell";
import { lacks, pagePrincipal } from "@/lib/auth/page";
import { describePrincipal, type Principal } from "@/lib/auth/principal";
import { SITE_DEVICE_SORT_KEYS, SiteDevices } from "@/components/sites/site-devices";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { FilterBox } from "@/components/ui/filter-box";
import { TableSkeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/ui/states";
import { getClient, getSiteDevices, getSites } from "@/lib/data/nsight-data";
import { currentTime } from "@/lib/clock";
import { safeZone } from "@/lib/format";
import { toUserError } from "@/lib/http/user-error";
import { isNsightId } from "@/lib/nsight/client";
import type { Client, Site } from "@/lib/types";
import { clientHref } from "@/lib/view/links";
import { parseListView, type ListView, type SearchParams } from "@/lib/view/list-view";
import type { SiteDeviceSortKey } from "@/components/sites/site-devices";
import { displayName } from "@/lib/display-name";

export const metadata: Metadata = { title: "Site" };

async function SiteDevicesSection({ principal, client, site, view, params }: { principal: Principal; client: Client; site: Site; view: ListView<SiteDeviceSortKey>; params: SearchParams }) {
  const devices = await getSiteDevices(principal, site.siteId, client.clientId).catch((error: unknown) => toUserError(error, "Devices"));
  if ("title" in devices) return <ErrorState title={devices.title} message={devices.message} />;
  return <SiteDevices devices={devices} health={fleetDevicesOrNone(principal, client.clientId)} clientId={client.clientId} zone={client.timezone ? safeZone(client.timezone) : null} view={view} params={params} now={currentTime()} />;
}

export default async function SitePage({ params, searchParams }: { params: Promise<{ clientId: string; siteId: string }>; searchParams: Promise<SearchParams> }) {
  const { clientId, siteId } = await params;
  if (!isNsightId(clientId) || !isNsightId(siteId)) notFound();
  const principal = await pagePrincipal(`/clients/${clientId}/sites/${siteId}`);
  if (lacks(principal, "client.read")) return <NoAccess who={describePrincipal(principal)} />;
  const query = await searchParams;
  let client: Client;
  let site: Site | undefined;
  try {
    const [clientResult, sites] = await Promise.all([getClient(principal, clientId), getSites(principal, clientId)]);
    client = clientResult.data;
    site = sites.data.find((s) => s.siteId === siteId);
  } catch (error) {
    const problem = toUserError(error, "Site");
    if (problem.notFound) notFound();
    return (
      <>
        <Breadcrumbs items={[{ label: "Clients", href: "/" }, { label: `Client ${clientId}`, href: clientHref(clientId) }, { label: `Site ${siteId}` }]} />
        <ErrorState title={problem.title} message={problem.message} />
      </>
    );
  }
  if (!site) notFound();
  const view = parseListView(query, SITE_DEVICE_SORT_KEYS, "name");
  return (
    <>
      <Breadcrumbs
        items={[
          { label: "Clients", href: "/" },
          { label: displayName(client.name, `Client ${clientId}`), href: clientHref(clientId) },
          { label: displayName(site.name, `Site ${siteId}`) },
        ]}
      />
      <h1 className="text-2xl font-semibold">{displayName(site.name, `Site ${siteId}`)}</h1>
      <FilterBox label="Filter devices" placeholder="Name, OS, user or IP" />
      <Suspense fallback={<TableSkeleton label="Loading the site's devices…" />}>
        <SiteDevicesSection principal={principal} client={client} site={site} view={view} params={query} />
      </Suspense>
    </>
  );
}
