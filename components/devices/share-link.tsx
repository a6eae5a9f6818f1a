"use client";

import { useId, useState } from "react";

type State = { kind: "idle" } | { kind: "busy" } | { kind: "made"; url: string; expiresAt: string; copied: boolean } | { kind: "failed"; message: string };

type ShareTarget = { deviceId: string; view: string } | { clientId: string; month: string };

/** "Share": a read-only link to this device's page with the current view, or to one client's report for one month, valid for a number of days. */
export function ShareLinkControl(target: ShareTarget) {
  const [open, setOpen] = useState(false);
  const [days, setDays] = useState(7);
  const [state, setState] = useState<State>({ kind: "idle" });
  const panelId = useId();

  async function create() {
    setState({ kind: "busy" });
    try {
      const response = await fetch("/api/share-links", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify("deviceId" in target ? { deviceId: target.deviceId, expiresInDays: days, view: target.view } : { clientId: target.clientId, month: target.month, expiresInDays: days }),
      });
      const body = (await response.json().catch(() => null)) as { data?: { url: string; expiresAt: string }; error?: { message: string } } | null;
      if (!response.ok || !body?.data) {
        setState({ kind: "failed", message: body?.error?.message ?? `The link could not be created (HTTP ${response.status}).` });
        return;
      }
      let copied = false;
      try {
        await navigator.clipboard.writeText(body.data.url);
        copied = true;
      } catch {
        // The link is shown below to copy by hand.
      }
      setState({ kind: "made", url: body.data.url, expiresAt: body.data.expiresAt, copied });
    } catch {
      setState({ kind: "failed", message: "The link could not be created: the dashboard did not answer." });
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((was) => !was)}
        className="rounded border border-border bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted"
      >
        Share
      </button>
      {open && (
        <div id={panelId} className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col text-sm">
            Valid for (days)
            <input
              type="number"
              min={1}
              max={90}
              value={days}
              onChange={(e) => setDays(Math.min(90, Math.max(1, Math.round(Number(e.target.value)) || 1)))}
              className="w-24 rounded border border-border bg-surface px-2 py-1"
            />
          </label>
          <button type="button" onClick={create} disabled={state.kind === "busy"} className="rounded border border-accent bg-accent px-3 py-1.5 text-sm font-medium text-accent-ink disabled:opacity-50">
            Create link
          </button>
          {state.kind === "made" && (
            <label className="flex min-w-0 flex-col text-sm">
              Share link
              <input readOnly value={state.url} onFocus={(e) => e.currentTarget.select()} className="w-96 max-w-full rounded border border-border bg-surface px-2 py-1 font-mono text-xs" />
            </label>
          )}
          <span role="status" className="text-sm text-muted">
            {state.kind === "made"
              ? `${state.copied ? "Link copied. " : ""}Read-only, valid until ${new Date(state.expiresAt).toLocaleString()}.`
              : state.kind === "failed"
                ? state.message
                : ""}
          </span>
        </div>
      )}
    </div>
  );
}
