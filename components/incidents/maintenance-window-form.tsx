"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { INPUT, PRIMARY_BUTTON } from "@/components/admin/admin-ui";
import { WEEKDAY_NAMES } from "@/lib/incidents/incident-query";
import { sendJson } from "@/lib/queries/send-json";


/** A weekly maintenance window: days and a start time in the chosen client's own zone, and how long it lasts. */
export function MaintenanceWindowForm({ clients }: { clients: { clientId: string; name: string; zone: string }[] }) {
  const router = useRouter();
  const [clientId, setClientId] = useState(clients[0]?.clientId ?? "");
  const [weekdays, setWeekdays] = useState<number[]>([]);
  const [start, setStart] = useState("22:00");
  const [hours, setHours] = useState("4");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const zone = clients.find((c) => c.clientId === clientId)?.zone ?? "UTC";

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (weekdays.length === 0) return setProblem("Choose at least one day.");
    const durationMinutes = Math.round(Number(hours) * 60);
    setBusy(true);
    const result = await sendJson("POST", "/api/maintenance-windows", { clientId, weekdays, start, durationMinutes, reason });
    setBusy(false);
    if (!result.ok) return setProblem(result.message);
    setReason("");
    setWeekdays([]);
    router.refresh();
  }

  if (clients.length === 0) return null;
  return (
    <form onSubmit={submit} className="max-w-2xl space-y-3 rounded border border-border bg-surface p-3" aria-label="Plan a maintenance window">
      <label className="block text-sm">
        Client
        <select className={`${INPUT} mt-1 block w-full`} value={clientId} onChange={(e) => setClientId(e.target.value)}>
          {clients.map((c) => (
            <option key={c.clientId} value={c.clientId}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend className="text-sm font-medium">Starts every</legend>
        <div className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-sm">
          {WEEKDAY_NAMES.map((name, i) => (
            <label key={name} className="flex items-center gap-1">
              <input type="checkbox" checked={weekdays.includes(i + 1)} onChange={() => setWeekdays((w) => (w.includes(i + 1) ? w.filter((d) => d !== i + 1) : [...w, i + 1]))} />
              {name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap gap-3">
        <label className="block text-sm">
          At (the client&apos;s time, {zone})
          <input type="time" className={`${INPUT} mt-1 block`} value={start} required onChange={(e) => setStart(e.target.value)} />
        </label>
        <label className="block text-sm">
          For (hours, up to 168)
          <input type="number" className={`${INPUT} mt-1 block w-28`} min={0.25} max={168} step={0.25} value={hours} required onChange={(e) => setHours(e.target.value)} />
        </label>
      </div>
      <label className="block text-sm">
        Reason
        <input type="text" className={`${INPUT} mt-1 block w-full`} value={reason} maxLength={200} required onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" className={PRIMARY_BUTTON} disabled={busy}>
        Add maintenance window
      </button>
      {problem && (
        <p role="alert" className="text-sm text-status-failed">
          {problem}
        </p>
      )}
    </form>
  );
}
