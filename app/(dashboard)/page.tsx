import { Suspense } from "react";
import { NoAccess } from "@/components/auth/no-access";
import { CLIENT_SORT_KEYS, ClientsTable } from "@/components/clients/clients-table";
import { AutoRefresh } from "@/components/fleet/auto-refresh";
import { FleetSection, readFleet } from "@/components/fleet/fleet-section";
import { IncidentCountLine } from "@/components/incidents/incident-count-line";
import { can } from "@/lib/auth/access";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { FilterBox } from "@/components/ui/filter-box";
import { TableSkeleton } from "@/components/ui/skeleton";
import { lacks, pagePrincipal } from "@/lib/auth/page";
import { describePrincipal } from "@/lib/auth/principal";
import type { FleetClientRollup } from "@/lib/fleet/types";
import { parseListView, type SearchParams } from "@/lib/view/list-view";

export default async function HomePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await pagePrincipal("/");
  if (lacks(principal, "client.read")) return <NoAccess who={describePrincipal(principal)} />;
  const params = await searchParams;
  const view = parseListView(params, CLIENT_SORT_KEYS, "name");
  const fleet = readFleet(principal);
  const rollups = new Map<string, FleetClientRollup>("title" in fleet ? [] : fleet.clients.map((c) => [c.clientId, c]));
  return (
    <>
      <AutoRefresh seconds={60} />
      <Breadcrumbs items={[{ label: "Clients" }]} />
      <h1 className="text-2xl font-semibold">Backup health</h1>
      {can(principal, "fleet.read") && (
        <Suspense fallback={null}>
          <IncidentCountLine principal={principal} />
        </Suspense>
      )}
      <FleetSection snapshot={fleet} params={params} />
      <h2 className="pt-4 text-xl font-semibold">Clients</h2>
      <FilterBox label="Filter clients" placeholder="Name or time zone" />
      <Suspense fallback={<TableSkeleton label="Loading clients…" />}>
        <ClientsTable principal={principal} view={view} params={params} rollups={rollups} />
      </Suspense>
    </>
  );
}
