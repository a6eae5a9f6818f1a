"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { NOC_FIRST_PAGE_SIZE, type NocSettings } from "@/lib/fleet/noc-settings";
import type { FleetAnswer, FleetTile } from "@/lib/fleet/types";
import { formatAge, formatCount, formatTime } from "@/lib/format";
import { HEALTH_ORDER } from "@/lib/health/backup-health";
import { ApiClientError } from "@/lib/queries/fetch-json";
import { fleetQueries } from "@/lib/queries/fleet-queries";
import { incidentQueries } from "@/lib/queries/incident-queries";
import type { IncidentCounts } from "@/lib/incidents/incident-query";
import { DisplayPairing } from "./display-pairing";
import { HEALTH_LOOK } from "@/lib/session-status";
import { displayName } from "@/lib/display-name";
import { useBrowserZone, useNow } from "@/components/hooks/use-now";
import { FleetKnowledgeBanner } from "@/components/fleet/fleet-knowledge-banner";

const HIGHLIGHT_MS = 3 * 60_000;
/** Tile size in em of the wall's font size, used to work out how many fit on a page. */
const TILE_MIN_WIDTH_EM = 21;
const TILE_HEIGHT_EM = 8.6;
const GAP_EM = 0.8;

function useTilesPerPage(ref: React.RefObject<HTMLElement | null>): number {
  const [perPage, setPerPage] = useState(NOC_FIRST_PAGE_SIZE);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const em = parseFloat(getComputedStyle(element).fontSize) || 16;
      const columns = Math.max(1, Math.floor((element.clientWidth + GAP_EM * em) / ((TILE_MIN_WIDTH_EM + GAP_EM) * em)));
      const rows = Math.max(1, Math.floor((element.clientHeight + GAP_EM * em) / ((TILE_HEIGHT_EM + GAP_EM) * em)));
      setPerPage(columns * rows);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return perPage;
}

/** Past this many devices seen, the wall forgets the states it saw (it pages through at most the problem devices). */
const SEEN_STATES_KEPT = 10_000;

/** Devices that turned failed while this wall was watching (or within the last minutes) are highlighted for a while. */
function useNewlyFailed(problems: FleetTile[] | undefined, now: number): Set<string> {
  const previous = useRef<Map<string, string> | null>(null);
  const [since, setSince] = useState<Map<string, number>>(() => new Map());
  useEffect(() => {
    if (!problems) return;
    // Only one page is known at a time: a device counts as turned failed only if this wall saw it in another state.
    const before = previous.current;
    const seen = new Map(before && before.size < SEEN_STATES_KEPT ? before : []);
    for (const d of problems) seen.set(d.deviceId, d.state);
    previous.current = seen;
    setSince((old) => {
      const next = new Map([...old].filter(([, at]) => Date.now() - at < HIGHLIGHT_MS));
      for (const d of problems) {
        if (d.state !== "failed") continue;
        const changedRecently = d.stateChangedAt !== null && Date.now() - Date.parse(d.stateChangedAt) < HIGHLIGHT_MS;
        const turnedFailed = before !== null && before.has(d.deviceId) && before.get(d.deviceId) !== "failed";
        if ((changedRecently || turnedFailed) && !next.has(d.deviceId)) next.set(d.deviceId, changedRecently ? Date.parse(d.stateChangedAt!) : Date.now());
      }
      return next;
    });
  }, [problems]);
  return useMemo(() => new Set([...since].filter(([, at]) => now - at < HIGHLIGHT_MS).map(([id]) => id)), [since, now]);
}

function problemLine(d: FleetTile, now: number): string {
  const plugin = d.worstPlugin ?? "Backup";
  switch (d.state) {
    case "failed":
      return d.failedInARow > 1 ? `${plugin} failed ${d.failedInARow}× since ${d.since ? formatAge(d.since, now) : "—"}` : `${plugin} failed ${d.since ? formatAge(d.since, now) : ""}`;
    case "overdue":
      return `${plugin} overdue for ${d.since ? formatAge(d.since, now).replace(" ago", "") : "—"}`;
    case "warning": {
      const status = d.worstStatus ?? "";
      return `${plugin}: ${status.toLowerCase().replace(/_/g, " ")}`;
    }
    default:
      return "";
  }
}

function Tile({ device, now, highlighted }: { device: FleetTile; now: number; highlighted: boolean }) {
  const look = HEALTH_LOOK[device.state];
  return (
    <li
      data-device-id={device.deviceId}
      data-health={device.state}
      data-new={highlighted ? "true" : undefined}
      className="flex flex-col justify-between overflow-hidden rounded-[0.6em] border-[0.2em] bg-surface p-[0.6em]"
      style={{ borderColor: look.ink, height: `${TILE_HEIGHT_EM}em`, boxShadow: highlighted ? `0 0 0 0.3em ${look.ink}` : undefined }}
    >
      <p className="flex items-center justify-between gap-2 font-bold" style={{ color: look.ink }}>
        <span>
          <span aria-hidden="true">{look.icon} </span>
          {look.label}
          {device.anomalyCount > 0 && (
            <span className="ml-[0.5em] font-semibold text-status-warning" data-anomalies={device.anomalyCount}>
              <span aria-hidden="true">⚠ </span>
              {device.anomalyCount === 1 ? "1 anomaly" : `${device.anomalyCount} anomalies`}
            </span>
          )}
        </span>
        {highlighted && <span className="rounded bg-[var(--status-failed)] px-[0.4em] text-[0.8em] text-white">NEW</span>}
      </p>
      <p className="truncate text-[1.25em] font-semibold">{displayName(device.name, `Device ${device.deviceId}`)}</p>
      <p className="truncate text-muted">
        {displayName(device.clientName, `Client ${device.clientId}`)} › {displayName(device.siteName, `Site ${device.siteId}`)}
      </p>
      <p className="truncate">{problemLine(device, now)}</p>
      <p className="truncate text-[0.9em] text-muted">
        Last success {device.lastSuccessAt ? formatAge(device.lastSuccessAt, now) : "never"} · read {device.readAt ? formatAge(device.readAt, now) : "—"}
      </p>
    </li>
  );
}

/** Open incidents of the wall's clients; a resolved one leaves the count at the next poll. */
function IncidentTile({ initial, settings, asOf }: { initial: IncidentCounts | null; settings: NocSettings; asOf: string }) {
  const query = useQuery({
    ...incidentQueries.counts(settings.clients, settings.refreshSeconds),
    ...(initial ? { initialData: { data: initial, meta: { fetchedAt: asOf, stale: false, demo: false } }, initialDataUpdatedAt: Date.parse(asOf) } : {}),
  });
  const counts = query.data?.data;
  const ink = counts?.open ? "var(--status-failed)" : "var(--status-neutral)";
  return (
    <li className="rounded-[0.5em] border-[0.2em] bg-surface px-[0.6em] py-[0.3em]" style={{ borderColor: ink }} data-incident-count={counts?.open ?? ""} data-snoozed-count={counts?.snoozed ?? ""}>
      <p className="text-[2.6em] font-bold leading-tight tabular-nums" style={{ color: ink }}>
        {counts ? formatCount(counts.open) : "—"}
      </p>
      <p className="font-semibold">
        <span aria-hidden="true">⚑ </span>Open incidents{counts?.snoozed ? ` (${formatCount(counts.snoozed)} snoozed)` : ""}
      </p>
    </li>
  );
}

export function NocWall({ initial, initialIncidents = null, settings, clientNames }: { initial: FleetAnswer; initialIncidents?: IncidentCounts | null; settings: NocSettings; clientNames: string[] }) {
  const area = useRef<HTMLElement>(null);
  const perPage = useTilesPerPage(area);
  const [page, setPage] = useState(0);
  // The server sends one page of tiles: the wall asks for the page it shows, sized to what fits.
  const [pages, setPages] = useState(initial.problemPage.pages);
  const shownPage = page % pages;
  const isFirstAnswer = shownPage === 0 && perPage === initial.problemPage.pageSize;
  const query = useQuery({
    ...fleetQueries.snapshot(settings.clients, settings.refreshSeconds, shownPage + 1, perPage),
    ...(isFirstAnswer ? { initialData: { data: initial, meta: { fetchedAt: initial.asOf, stale: false, demo: false } }, initialDataUpdatedAt: Date.parse(initial.asOf) } : {}),
  });
  const now = useNow(1_000, Date.parse(initial.asOf));
  const zone = useBrowserZone();
  // Until hydration is over the browser's zone is unknown: say UTC rather than guess.
  const clock = (iso: string | null) => (zone ? formatTime(iso, zone) : `${formatTime(iso)} UTC`);
  // A revoked display's poll is refused: the wall drops its data at once and offers a new code.
  const revoked = query.error instanceof ApiClientError && (query.error.code === "display_revoked" || query.error.code === "display_expired") ? query.error.code : null;
  const pageAnswer = query.data?.data ?? initial;
  if (pageAnswer.problemPage.pages !== pages) setPages(pageAnswer.problemPage.pages);
  // A page kept from earlier (another page, or the size that fitted before a banner came) may be older than what the wall
  // already showed: the fleet's state comes from the newest answer, else the banner that sized the page would flip with it.
  const [newest, setNewest] = useState({ answer: initial, updatedAt: Date.parse(initial.asOf) });
  const asOf = query.data?.data.asOf ?? "";
  if (query.data && !query.isPlaceholderData && (asOf > newest.answer.asOf || (asOf === newest.answer.asOf && query.dataUpdatedAt > newest.updatedAt))) {
    setNewest({ answer: query.data.data, updatedAt: query.dataUpdatedAt });
  }
  const snapshot = newest.answer;
  const problemTotal = snapshot.problemPage.total;
  const newlyFailed = useNewlyFailed(pageAnswer.problems, now);

  // The server stopped answering: since when (the first failed poll after the last success).
  const [serverDownSince, setServerDownSince] = useState<number | null>(null);
  const serverFailing = query.isError && query.errorUpdatedAt > query.dataUpdatedAt;
  if (serverFailing && serverDownSince === null) setServerDownSince(query.errorUpdatedAt);
  if (!serverFailing && serverDownSince !== null) setServerDownSince(null);

  useEffect(() => {
    const timer = setInterval(() => setPage((p) => p + 1), settings.rotateSeconds * 1000);
    return () => clearInterval(timer);
  }, [settings.rotateSeconds]);
  const tiles = pageAnswer.problems;

  const updatedAt = newest.updatedAt;
  const nextIn = Math.max(0, Math.round((updatedAt + settings.refreshSeconds * 1000 - now) / 1000));
  // While its own server does not answer, the wall cannot know the fleet is fine now: no all-clear from an old answer.
  const known = snapshot.knowledge.kind === "current" && serverDownSince === null;
  if (revoked) return <DisplayPairing notice={revoked === "display_revoked" ? "revoked" : "expired"} />;

  return (
    <div className="flex h-full flex-col gap-[0.8em] p-[1em]" data-page={pageAnswer.problemPage.page} data-pages={pageAnswer.problemPage.pages} data-per-page={perPage} data-knowledge={snapshot.knowledge.kind}>
      <header className="flex flex-wrap items-baseline justify-between gap-x-[1.5em]">
        <h1 className="text-[1.6em] font-bold">Backup health{clientNames.length ? `: ${clientNames.map((n) => displayName(n, "?")).join(", ")}` : ""}</h1>
        <p className="text-muted" data-testid="noc-freshness">
          as of {clock(snapshot.asOf)}, {formatAge(new Date(updatedAt).toISOString(), now)} · next refresh in {nextIn} s
        </p>
      </header>
      {serverDownSince !== null && (
        <p role="alert" className="rounded-[0.5em] border-[0.2em] border-status-failed p-[0.5em] text-[1.2em] font-bold text-status-failed" data-testid="noc-banner">
          <span aria-hidden="true">⚠ </span>Dashboard server unreachable since {clock(new Date(serverDownSince).toISOString())}; showing data from{" "}
          {formatAge(new Date(updatedAt).toISOString(), now)}.
        </p>
      )}
      <FleetKnowledgeBanner knowledge={snapshot.knowledge} renderedAt={Date.parse(initial.asOf)} size="wall" />
      <ul className="grid grid-cols-[repeat(auto-fit,minmax(8em,1fr))] gap-[0.6em]" aria-label="Devices per backup state">
        {HEALTH_ORDER.map((state) => {
          const look = HEALTH_LOOK[state];
          return (
            <li key={state} className="rounded-[0.5em] border-[0.2em] bg-surface px-[0.6em] py-[0.3em]" style={{ borderColor: look.ink }} data-state-count={state}>
              <p className="text-[2.6em] font-bold leading-tight tabular-nums" style={{ color: look.ink }}>
                {formatCount(snapshot.counts[state])}
              </p>
              <p className="font-semibold">
                <span aria-hidden="true">{look.icon} </span>
                {look.label}
              </p>
            </li>
          );
        })}
        <IncidentTile initial={initialIncidents} settings={settings} asOf={initial.asOf} />
      </ul>
      <section ref={area} aria-label="Devices that need attention" className="min-h-0 flex-1 overflow-hidden">
        {problemTotal === 0 && known ? (
          <p className="flex h-full items-center justify-center text-[2em] font-semibold text-status-ok">
            <span aria-hidden="true">✓&nbsp;</span>No device needs attention
          </p>
        ) : problemTotal === 0 ? (
          // Nothing found is not nothing wrong while the fleet is not known (the banner says why).
          <p className="flex h-full items-center justify-center text-[2em] font-semibold" style={{ color: "var(--status-neutral)" }} data-testid="noc-not-known">
            <span aria-hidden="true">?&nbsp;</span>Not known whether any device needs attention
          </p>
        ) : (
          <ul className="grid h-full content-start gap-[0.8em]" style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${TILE_MIN_WIDTH_EM}em, 1fr))` }}>
            {tiles.map((device) => (
              <Tile key={device.deviceId} device={device} now={now} highlighted={newlyFailed.has(device.deviceId)} />
            ))}
          </ul>
        )}
      </section>
      <footer className="flex flex-wrap justify-between gap-x-[1.5em] text-muted">
        <span>
          {formatCount(problemTotal)} {known ? "need" : "known to need"} attention
          {pageAnswer.problemPage.pages > 1 ? ` · page ${pageAnswer.problemPage.page} of ${pageAnswer.problemPage.pages}, next in ${settings.rotateSeconds} s` : ""}
        </span>
        <span>Failed: latest backup failed · Overdue: no success within its rhythm · Warning: completed with errors, interrupted, canceled or not started</span>
      </footer>
    </div>
  );
}
