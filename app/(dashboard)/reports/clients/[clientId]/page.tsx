import { currentTime } from "@/lib/clock";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NoAccess } from "@/components/auth/no-access";
import { ClientReportView } from "@/components/reports/client-report-view";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { ErrorState } from "@/components/ui/states";
import { can, canSeeReport } from "@/lib/auth/access";
import { lacks, pagePrincipal } from "@/lib/auth/page";
import { describePrincipal } from "@/lib/auth/principal";
import { getReportClient } from "@/lib/data/nsight-data";
import { displayName } from "@/lib/display-name";
import { toUserError } from "@/lib/http/user-error";
import { isNsightId } from "@/lib/nsight/client";
import { firstParam, type SearchParams } from "@/lib/view/list-view";

export const metadata: Metadata = { title: "Client backup report" };

export default async function ClientReportPage({ params, searchParams }: { params: Promise<{ clientId: string }>; searchParams: Promise<SearchParams> }) {
  const { clientId } = await params;
  if (!isNsightId(clientId)) notFound();
  const principal = await pagePrincipal(`/reports/clients/${clientId}`);
  if (lacks(principal, "report.read")) return <NoAccess who={describePrincipal(principal)} />;
  // Another client's report is, to this principal, a report that does not exist.
  if (!canSeeReport(principal, clientId, null)) notFound();
  const askedMonth = firstParam(await searchParams, "month") ?? null;
  let client;
  try {
    client = (await getReportClient(principal, clientId, null)).data;
  } catch (error) {
    const problem = toUserError(error, "Client");
    if (problem.notFound) notFound();
    return <ErrorState title={problem.title} message={problem.message} />;
  }
  const canBrowse = can(principal, "client.read");
  return (
    <>
      <div className="print:hidden">
        <Breadcrumbs
          items={[
            { label: "Clients", href: canBrowse ? "/" : undefined },
            { label: displayName(client.name, `Client ${clientId}`), href: canBrowse ? `/clients/${clientId}` : undefined },
            { label: "Report" },
          ]}
        />
      </div>
      <ClientReportView principal={principal} client={client} askedMonth={askedMonth} now={currentTime()} mode="dashboard" canShare={can(principal, "share.create")} />
    </>
  );
}
