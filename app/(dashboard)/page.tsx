import { Suspense } from "react";
import { CLIENT_SORT_KEYS, ClientsTable } from "@/components/clients/clients-table";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { FilterBox } from "@/components/ui/filter-box";
import { TableSkeleton } from "@/components/ui/skeleton";
import { parseListView, type SearchParams } from "@/lib/view/list-view";

export default async function ClientsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const view = parseListView(params, CLIENT_SORT_KEYS, "name");
  return (
    <>
      <Breadcrumbs items={[{ label: "Clients" }]} />
      <h1 className="text-2xl font-semibold">Clients</h1>
      <FilterBox label="Filter clients" placeholder="Name or time zone" />
      <Suspense fallback={<TableSkeleton label="Loading clients…" />}>
        <ClientsTable view={view} params={params} />
      </Suspense>
    </>
  );
}
