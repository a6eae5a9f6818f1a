"use client";

import { Suspense, use, useCallback, useEffect, useId, useState } from "react";
import { useBrowserZone } from "@/components/hooks/use-now";
import { RANGE_LABELS, RANGE_PRESETS, dataParams, serializeDeviceView, type DeviceView } from "@/lib/device-view/view";
import { pluginLabel, sessionStatusLook } from "@/lib/session-status";
import { BACKUP_PLUGINS, SESSION_STATUSES, SESSION_TYPES } from "@/lib/types";
import { useDeviceApiBase } from "./device-api";
import { ShareLinkControl } from "./share-link";
import { useDeviceView } from "./use-device-view";

const SHORT_RANGE: Record<string, string> = { "24h": "24 h", "7d": "7 d", "30d": "30 d", "90d": "90 d", "1y": "1 y", all: "All" };

function toggle<T>(list: T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

/** A group of checkboxes for one filter; none checked means "all". */
function FilterGroup<T extends string>({ legend, options, selected, label, onChange }: { legend: string; options: readonly T[]; selected: T[]; label: (o: T) => string; onChange: (next: T[]) => void }) {
  return (
    <fieldset className="min-w-0">
      <legend className="text-sm font-medium">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-3 gap-y-1">
        {options.map((option) => (
          <label key={option} className="flex items-center gap-1 text-sm">
            <input type="checkbox" checked={selected.includes(option)} onChange={() => onChange(toggle(selected, option))} />
            {label(option)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * On a narrow screen the controls fold behind one "View" button, so the device's state comes
 * first. `canShare`: the "Share" control; `shared`: a share link's page (no "Copy link").
 */
export function DeviceControls({
  deviceId,
  zone,
  clientZone,
  clientHint,
  canShare = false,
  shared = false,
}: {
  deviceId: string;
  zone: string;
  clientZone: Promise<string | null>;
  clientHint: string | null;
  canShare?: boolean;
  shared?: boolean;
}) {
  const { view, update, hrefFor } = useDeviceView();
  const apiBase = useDeviceApiBase();
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const currentId = useId();

  // An explicit zone in the URL keeps the same day boundaries from then on, and in shared links.
  const settleZone = useCallback(
    (resolved: string | null) => {
      if (!view.tz) update({ tz: resolved ?? zone }, { replace: true });
    },
    [view.tz, zone, update],
  );


  async function copyLink() {
    const href = new URL(hrefFor({ ...view, tz: zone }), window.location.origin).href;
    try {
      await navigator.clipboard.writeText(href);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
    setTimeout(() => setCopied("idle"), 3_000);
  }

  const csvParams = dataParams(view, zone);
  csvParams.set("sort", view.sort);
  csvParams.set("dir", view.dir);
  if (clientHint) csvParams.set("client", clientHint);

  const filterCount = view.types.length + view.plugins.length + view.statuses.length;
  const current = [
    view.range === "custom" && view.from && view.to ? `${view.from} to ${view.to}` : RANGE_LABELS[view.range],
    zone,
    filterCount ? `${filterCount} filter${filterCount > 1 ? "s" : ""}` : "",
  ].filter(Boolean).join(" · ");

  return (
    <section aria-label="View" className="rounded-lg border border-border bg-surface">
      <div className="flex items-center gap-3 p-2 md:hidden">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          aria-describedby={currentId}
          onClick={() => setOpen((was) => !was)}
          className="inline-flex shrink-0 items-center gap-1 rounded border border-border px-3 py-1.5 text-sm font-medium hover:bg-surface-muted"
        >
          <span aria-hidden="true" className={`inline-block transition-transform ${open ? "rotate-90" : ""}`}>
            ▸
          </span>
          View
        </button>
        <span id={currentId} className="min-w-0 truncate text-sm text-muted">
          {current}
        </span>
      </div>
      <div id={panelId} className={`${open ? "block border-t border-border" : "hidden"} space-y-4 p-4 md:block md:border-t-0`}>
        <div className="flex flex-wrap items-end gap-x-6 gap-y-3">
          <div role="group" aria-label="Time range" className="flex flex-wrap items-center gap-1">
            {RANGE_PRESETS.map((preset) => (
              <button
                key={preset}
                type="button"
                aria-pressed={view.range === preset}
                title={RANGE_LABELS[preset]}
                onClick={() => update({ range: preset, from: null, to: null })}
                className={`rounded border px-3 py-1 text-sm ${view.range === preset ? "border-accent bg-accent text-accent-ink" : "border-border bg-surface hover:bg-surface-muted"}`}
              >
                <span aria-hidden="true">{SHORT_RANGE[preset]}</span>
                <span className="sr-only">{RANGE_LABELS[preset]}</span>
              </button>
            ))}
          </div>
          <CustomRange
            key={`${view.from}|${view.to}`}
            initialFrom={view.from ?? ""}
            initialTo={view.to ?? ""}
            active={view.range === "custom"}
            onApply={(from, to) => update({ range: "custom", from, to })}
          />
          <Suspense fallback={<ZoneSelect zone={zone} clientZone={null} onChange={(tz) => update({ tz })} />}>
            <ClientZoneSelect zone={zone} clientZone={clientZone} onChange={(tz) => update({ tz })} onResolved={settleZone} />
          </Suspense>
          <label className="flex flex-col text-sm">
            Units
            <select value={view.units} onChange={(e) => update({ units: e.target.value as DeviceView["units"] })} className="rounded border border-border bg-surface px-2 py-1">
              <option value="binary">Binary (KiB, MiB, GiB)</option>
              <option value="decimal">Decimal (kB, MB, GB)</option>
            </select>
          </label>
        </div>
        <div className="grid gap-3 md:grid-cols-3">
          <FilterGroup legend="Type" options={SESSION_TYPES} selected={view.types} label={(t) => (t === "BACKUP" ? "Backup" : "Restore")} onChange={(types) => update({ types })} />
          <FilterGroup legend="Plugin" options={BACKUP_PLUGINS} selected={view.plugins} label={pluginLabel} onChange={(plugins) => update({ plugins })} />
          <FilterGroup legend="Status" options={SESSION_STATUSES} selected={view.statuses} label={(s) => sessionStatusLook(s).label} onChange={(statuses) => update({ statuses })} />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          {!shared && (
            <button type="button" onClick={copyLink} className="rounded border border-border bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted">
              Copy link
            </button>
          )}
          <a href={`${apiBase}/api/devices/${deviceId}/sessions/csv?${csvParams.toString()}`} className="rounded border border-border bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted" download>
            Download CSV
          </a>
          {(view.types.length > 0 || view.plugins.length > 0 || view.statuses.length > 0) && (
            <button type="button" onClick={() => update({ types: [], plugins: [], statuses: [] })} className="text-sm text-accent underline">
              Clear filters
            </button>
          )}
          {canShare && <ShareLinkControl deviceId={deviceId} view={serializeDeviceView({ ...view, tz: zone }).toString()} />}
          <span role="status" className="text-sm text-muted">
            {copied === "copied" ? "Link copied." : copied === "failed" ? "Could not copy: copy the address bar instead." : ""}
          </span>
        </div>
      </div>
    </section>
  );
}

function ClientZoneSelect({ clientZone, onResolved, ...props }: { zone: string; clientZone: Promise<string | null>; onChange: (zone: string) => void; onResolved: (zone: string | null) => void }) {
  const resolved = use(clientZone);
  useEffect(() => onResolved(resolved), [resolved, onResolved]);
  return <ZoneSelect {...props} clientZone={resolved} />;
}

/** From/to days; keyed by the URL's range, so Back/Forward resets what is typed here. */
function CustomRange({ initialFrom, initialTo, active, onApply }: { initialFrom: string; initialTo: string; active: boolean; onApply: (from: string, to: string) => void }) {
  const [from, setFrom] = useState(initialFrom);
  const [to, setTo] = useState(initialTo);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (from && to && from <= to) onApply(from, to);
      }}
      className="flex flex-wrap items-end gap-2"
      aria-label="Custom range"
    >
      <label className="flex flex-col text-sm">
        From
        <input type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} className="rounded border border-border bg-surface px-2 py-1" />
      </label>
      <label className="flex flex-col text-sm">
        To
        <input type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} className="rounded border border-border bg-surface px-2 py-1" />
      </label>
      <button
        type="submit"
        aria-pressed={active}
        disabled={!from || !to || from > to}
        className={`rounded border px-3 py-1 text-sm disabled:opacity-50 ${active ? "border-accent bg-accent text-accent-ink" : "border-border"}`}
      >
        Apply range
      </button>
    </form>
  );
}

function ZoneSelect({ zone, clientZone, onChange }: { zone: string; clientZone: string | null; onChange: (zone: string) => void }) {
  const browserZone = useBrowserZone();
  const zones = [...new Set([clientZone, browserZone, "UTC", zone].filter((z): z is string => Boolean(z)))];
  const describe = (z: string) => [z === clientZone && "client's zone", z === browserZone && "this browser"].filter(Boolean).join(", ");
  return (
    <label className="flex flex-col text-sm">
      Time zone
      <select value={zone} onChange={(e) => onChange(e.target.value)} className="rounded border border-border bg-surface px-2 py-1">
        {zones.map((z) => (
          <option key={z} value={z}>
            {z}
            {describe(z) ? ` (${describe(z)})` : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
