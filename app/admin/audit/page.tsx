import type { Metadata } from "next";
import Link from "next/link";
import { AdminTable, Cell, When } from "@/components/admin/admin-ui";
import { readAudit, type AuditPage } from "@/lib/admin/admin";
import { adminPagePrincipal } from "@/lib/admin/page";
import { RequestError } from "@/lib/http/request-error";
import { firstParam, type SearchParams } from "@/lib/view/list-view";

export const metadata: Metadata = { title: "Audit log" };

function detailText(detail: Record<string, unknown> | null): string {
  if (!detail) return "";
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("; ");
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await adminPagePrincipal("audit.read");
  const before = firstParam(await searchParams, "before") ?? null;
  let page: AuditPage;
  try {
    page = await readAudit(principal, before);
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    return (
      <>
        <h1 className="text-2xl font-semibold">Audit log</h1>
        <p role="alert">This page of the audit log does not exist.</p>
        <Link href="/admin/audit" className="text-accent underline">
          Newest entries
        </Link>
      </>
    );
  }
  return (
    <>
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="text-sm text-muted">Every sign-in and every change, newest first.{before && " An older page."}</p>
      {page.entries.length === 0 ? (
        <p className="text-sm text-muted">No entries.</p>
      ) : (
        <AdminTable caption="Audit log, newest first" head={["When", "Who", "Action", "Target", "Detail", "Address"]}>
          {page.entries.map((e) => (
            <tr key={e.id} data-audit-action={e.action}>
              <Cell className="whitespace-nowrap">
                <When ms={e.at} />
              </Cell>
              <Cell>{e.actorEmail ?? e.actor}</Cell>
              <Cell>{e.action}</Cell>
              <Cell>{e.target ?? ""}</Cell>
              <Cell className="max-w-md break-words">{detailText(e.detail)}</Cell>
              <Cell>{e.address ?? ""}</Cell>
            </tr>
          ))}
        </AdminTable>
      )}
      <nav aria-label="Audit pages" className="flex gap-4 text-sm">
        {before && (
          <Link href="/admin/audit" className="text-accent underline">
            Newest entries
          </Link>
        )}
        {page.next && (
          <Link href={`/admin/audit?before=${encodeURIComponent(page.next)}`} className="text-accent underline">
            Older entries
          </Link>
        )}
      </nav>
    </>
  );
}
