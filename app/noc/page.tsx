import type { Metadata } from "next";
import { NoAccess } from "@/components/auth/no-access";
import { readFleet } from "@/components/fleet/fleet-section";
import { lacks } from "@/lib/auth/page";
import { describePrincipal } from "@/lib/auth/principal";
import { currentPrincipal, deadDisplayOf } from "@/lib/auth/resolve";
import { cookies } from "next/headers";
import { DisplayPairing } from "@/components/noc/display-pairing";
import { NocWall } from "@/components/noc/noc-wall";
import { QueryProvider } from "@/components/providers/query-provider";
import { ErrorState } from "@/components/ui/states";
import { answerFor, DEFAULT_FLEET_QUERY } from "@/lib/fleet/fleet-answer";
import { NOC_FIRST_PAGE_SIZE, parseNocSettings } from "@/lib/fleet/noc-settings";
import { readIncidentCounts } from "@/lib/incidents/incident-views";
import type { SearchParams } from "@/lib/view/list-view";

export const metadata: Metadata = { title: "NOC wall" };

// The wall is sized in em of this: never under 16 px from 1366 px wide (14 px in a smaller window).
const NOC_FONT_SIZE = "clamp(14px, max(min(1.05vw, 1.9vh), min(1.2vw, 16px)), 48px)";

export default async function NocPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await currentPrincipal();
  if (!principal) {
    const jar = await cookies();
    const notice = await deadDisplayOf((name) => jar.get(name)?.value);
    return (
      <main className="fixed inset-0 overflow-hidden bg-canvas text-ink" style={{ fontSize: NOC_FONT_SIZE }} data-color-scheme="dark" data-noc-theme="dark">
        <DisplayPairing notice={notice} />
      </main>
    );
  }
  if (lacks(principal, "noc.read")) {
    return (
      <main className="mx-auto max-w-screen-md px-4 py-10">
        <NoAccess who={describePrincipal(principal)} />
      </main>
    );
  }
  const settings = parseNocSettings(await searchParams);
  const snapshot = readFleet(principal, settings.clients.length ? new Set(settings.clients) : undefined, "noc");
  const names = "title" in snapshot ? [] : snapshot.clients.map((c) => c.name);
  const incidents = await readIncidentCounts(principal, "noc.read", settings.clients.length ? new Set(settings.clients) : undefined).catch(() => null);
  return (
    <main
      className="fixed inset-0 overflow-hidden bg-canvas text-ink"
      style={{ fontSize: NOC_FONT_SIZE }}
      data-color-scheme={settings.theme}
      data-noc-theme={settings.theme}
    >
      {"title" in snapshot ? (
        <div className="p-8">
          <ErrorState title={snapshot.title} message={snapshot.message} />
        </div>
      ) : (
        <QueryProvider>
          <NocWall initial={answerFor(snapshot, { ...DEFAULT_FLEET_QUERY, pageSize: NOC_FIRST_PAGE_SIZE })} initialIncidents={incidents} settings={settings} clientNames={settings.clients.length ? names : []} />
        </QueryProvider>
      )}
    </main>
  );
}
