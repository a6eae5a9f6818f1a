import type { Metadata } from "next";
import Link from "next/link";
import { AdminTable, Cell, When } from "@/components/admin/admin-ui";
import { NoAccess } from "@/components/auth/no-access";
import { RevokeButton } from "@/components/ui/revoke-button";
import { Breadcrumbs } from "@/components/ui/breadcrumbs";
import { can } from "@/lib/auth/access";
import { lacks, pagePrincipal } from "@/lib/auth/page";
import type { Principal } from "@/lib/auth/principal";
import { describePrincipal } from "@/lib/auth/principal";
import { shareLinksOf, type ShareLinkInfo } from "@/lib/auth/share-links";
import { fleetDevicesOfClient } from "@/lib/data/fleet";

export const metadata: Metadata = { title: "Share links" };

/** The fleet's name for each linked device; a device it has not placed (or a client out of scope) keeps its id. */
function deviceNames(principal: Principal, links: ShareLinkInfo[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const clientId of new Set(links.map((l) => l.clientId))) {
    let devices: ReturnType<typeof fleetDevicesOfClient>;
    try {
      devices = fleetDevicesOfClient(principal, clientId);
    } catch {
      continue;
    }
    for (const [deviceId, device] of devices) names.set(deviceId, device.name);
  }
  return names;
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

export default async function ShareLinksPage() {
  const principal = await pagePrincipal("/share-links");
  if (lacks(principal, "share.create")) return <NoAccess who={describePrincipal(principal)} />;
  const links = await shareLinksOf(principal);
  const names = deviceNames(principal, links);
  const everyone = can(principal, "share.manage_all");
  return (
    <>
      <Breadcrumbs items={[{ label: "Clients", href: "/" }, { label: "Share links" }]} />
      <h1 className="text-2xl font-semibold">Share links</h1>
      <p className="text-sm text-muted">
        {everyone ? "Every share link, newest first." : "The share links you created, newest first."} A link opens one device&apos;s backup page, or one client&apos;s report for one month, without signing in until it expires or is revoked. Only a hash of each link is kept: a link is shown once, when it is created on the device page or the report.
      </p>
      {links.length === 0 ? (
        <p className="text-sm text-muted">No share links yet. Create one with Share on a device&apos;s page.</p>
      ) : (
        <AdminTable caption="Share links" head={["Device or report", "Created by", "Created", "Expires", "Views", "Last viewed", "State", ""]}>
          {links.map((link) => {
            const device = link.deviceId === null ? `Report of client ${link.clientId}, ${link.reportMonth}` : (names.get(link.deviceId) ?? link.deviceId);
            const href =
              link.deviceId === null
                ? `/reports/clients/${encodeURIComponent(link.clientId)}?month=${encodeURIComponent(link.reportMonth ?? "")}`
                : `/devices/${encodeURIComponent(link.deviceId)}`;
            return (
              <tr key={link.id} data-share-link={link.id}>
                <Cell>
                  <Link href={href} className="text-accent hover:underline">
                    {device}
                  </Link>
                </Cell>
                <Cell>{link.createdByEmail ?? (link.createdBy === null ? "demo administrator" : "a deleted user")}</Cell>
                <Cell>
                  <When ms={ms(link.createdAt)} />
                </Cell>
                <Cell>
                  <When ms={ms(link.expiresAt)} />
                </Cell>
                <Cell>{link.views}</Cell>
                <Cell>
                  <When ms={ms(link.lastViewedAt)} />
                </Cell>
                <Cell>{link.state}</Cell>
                <Cell>{link.state === "live" && <RevokeButton url={`/api/share-links/${encodeURIComponent(link.id)}`} label={`Revoke link to ${device}`} />}</Cell>
              </tr>
            );
          })}
        </AdminTable>
      )}
    </>
  );
}
