import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { CLIENT_DEVICE_SORT_KEYS, ClientOverview } from "@/components/clients/client-overview";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { FilterBox } from "@/components/ui/filter-box";
import { TableSkeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/ui/states";
import { NoAccess } from "@/components/auth/no-access";
import { ClientAlerts } from "@/components/incidents/client-alerts";
import { can } from "@/lib/auth/access";
import { lacks, pagePrincipal } from "@/lib/auth/page";
import { describePrincipal } from "@/lib/auth/principal";
import { getClient } from "@/lib/data/nsight-data";
import { toUserError } from "@/lib/http/user-error";
import { isNsightId } from "@/lib/nsight/client";
import { parseListView, type SearchParams } from "@/lib/view/list-view";
import { displayName } from "@/lib/display-name";

export const metadata: Metadata = { title: "Client" };

export default async function ClientPage({ params, searchParams }: { params: Promise<{ clientId: string }>; searchParams: Promise<SearchParams> }) {
  const { clientId } = await params;
  if (!isNsightId(clientId)) notFound();
  const principal = await pagePrincipal(`/clients/${clientId}`);
  if (lacks(principal, "client.read")) return <NoAccess who={describePrincipal(principal)} />;
  const query = await searchParams;
  let client;
  try {
    client = (await getClient(principal, clientId)).data;
  } catch (error) {
    const problem = toUserError(error, "Client");
    if (problem.notFound) notFound();
    return (
      <>
        <Breadcrumbs items={[{ label: "Clients", href: "/" }, { label: `Client ${clientId}` }]} />
        <ErrorState title={problem.title} message={problem.message} />
      </>
    );
  }
  const view = parseListView(query, CLIENT_DEVICE_SORT_KEYS, "name");
  return (
    <>
      <Breadcrumbs items={[{ label: "Clients", href: "/" }, { label: displayName(client.name, `Client ${clientId}`) }]} />
      <div className="flex flex-wrap items-baseline gap-x-3">
        <h1 className="text-2xl font-semibold">{displayName(client.name, `Client ${clientId}`)}</h1>
        <span className="text-sm text-muted">Time zone: {client.timezone ?? "not set (UTC)"}</span>
        {can(principal, "report.read") && (
          <Link href={`/reports/clients/${clientId}`} className="text-sm text-accent hover:underline">
            Monthly report
          </Link>
        )}
      </div>
      {can(principal, "incidents.read") && <ClientAlerts principal={principal} clientId={clientId} clientName={displayName(client.name, `Client ${clientId}`)} />}
      <FilterBox label="Filter devices" placeholder="Device, site or description" />
      <Suspense fallback={<TableSkeleton label="Loading sites and devices…" />}>
        <ClientOverview principal={principal} client={client} view={view} params={query} />
      </Suspense>
    </>
  );
}
