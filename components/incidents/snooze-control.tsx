"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { BUTTON, INPUT, PRIMARY_BUTTON } from "@/components/admin/admin-ui";
import { sendJson } from "@/lib/queries/send-json";

type Preset = "4" | "24" | "date";
const MAX_REASON = 200;

/** "Snooze…": hold a device's or a whole client's alerts for 4 h, 24 h or until a date, with a reason. */
export function SnoozeControl({ scope, targetId, targetLabel }: { scope: "device" | "client"; targetId: string; targetLabel: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [preset, setPreset] = useState<Preset>("4");
  const [date, setDate] = useState("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const formId = useId();

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setProblem(null);
    let timing: { hours: number } | { until: string };
    if (preset === "date") {
      // datetime-local is the browser's local time: Date reads it the same way.
      const until = new Date(date);
      if (!date || Number.isNaN(until.getTime())) return setProblem("Choose the date and time the snooze ends.");
      timing = { until: until.toISOString() };
    } else {
      timing = { hours: Number(preset) };
    }
    setBusy(true);
    const result = await sendJson<{ until: string }>("POST", "/api/snoozes", { scope, targetId, reason, ...timing });
    setBusy(false);
    if (!result.ok) return setProblem(result.message);
    setOpen(false);
    setReason("");
    setDone(result.data ? `Snoozed until ${new Date(result.data.until).toLocaleString()}.` : "Snoozed.");
    router.refresh();
  }

  return (
    <div className="space-y-2">
      <button type="button" className={BUTTON} aria-expanded={open} aria-controls={formId} onClick={() => setOpen((o) => !o)}>
        <span aria-hidden="true">☾ </span>Snooze {scope === "client" ? "client" : "device"}…
      </button>
      {done && (
        <p role="status" className="text-sm">
          {done}
        </p>
      )}
      {open && (
        <form id={formId} onSubmit={submit} className="max-w-md space-y-3 rounded border border-border bg-surface p-3" aria-label={`Snooze ${targetLabel}`}>
          <fieldset>
            <legend className="text-sm font-medium">Hold alerts for {targetLabel}</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
              {(
                [
                  ["4", "4 hours"],
                  ["24", "24 hours"],
                  ["date", "Until a date"],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="flex items-center gap-1">
                  <input type="radio" name={`${formId}-preset`} value={value} checked={preset === value} onChange={() => setPreset(value)} />
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
          {preset === "date" && (
            <label className="block text-sm">
              Ends at (your local time)
              <input type="datetime-local" className={`${INPUT} mt-1 block w-full`} value={date} onChange={(e) => setDate(e.target.value)} required />
            </label>
          )}
          <label className="block text-sm">
            Reason
            <input type="text" className={`${INPUT} mt-1 block w-full`} value={reason} maxLength={MAX_REASON} required onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="flex flex-wrap gap-2">
            <button type="submit" className={PRIMARY_BUTTON} disabled={busy}>
              Snooze
            </button>
            <button type="button" className={BUTTON} onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
          {problem && (
            <p role="alert" className="text-sm text-status-failed">
              {problem}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
