"use client";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { sendJson } from "@/lib/queries/send-json";
import { BUTTON, INPUT, PRIMARY_BUTTON } from "./admin-ui";

type Role = "admin" | "technician" | "viewer";

interface Props {
  user: { id: string; email: string; role: Role | null; clientIds: string[] | null; disabled: boolean };
  clients: { clientId: string; name: string }[];
  self: boolean;
}

export function UserControls({ user, clients, self }: Props) {
  const router = useRouter();
  const headingId = useId();
  const [role, setRole] = useState<Role | "none">(user.role ?? "none");
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(user.clientIds ?? []));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // Clients a viewer has that the list does not (yet) show stay choosable, by id.
  const choices = [...clients, ...[...(user.clientIds ?? [])].filter((id) => !clients.some((c) => c.clientId === id)).map((id) => ({ clientId: id, name: `#${id}` }))];

  async function run(action: () => ReturnType<typeof sendJson>, done: string) {
    setBusy(true);
    setMessage(null);
    const result = await action();
    setBusy(false);
    setMessage(result.ok ? { ok: true, text: done } : { ok: false, text: result.message });
    if (result.ok) router.refresh();
  }

  const base = `/api/users/${encodeURIComponent(user.id)}`;
  const saveRole = () =>
    run(() => sendJson("POST", `${base}/role`, { role: role === "none" ? null : role, ...(role === "viewer" ? { clients: [...chosen] } : {}) }), "Role and clients saved.");
  const toggleDisabled = () => run(() => sendJson("POST", `${base}/disabled`, { disabled: !user.disabled }), user.disabled ? "Enabled." : "Disabled; their sessions were ended.");
  const endSessions = () => run(() => sendJson<{ ended: number }>("DELETE", `${base}/sessions`), "All their sessions were ended.");

  return (
    <section aria-labelledby={headingId} className="space-y-3 rounded-lg border border-border bg-surface p-4" data-user-controls={user.email}>
      <h3 id={headingId} className="font-semibold">
        {user.email}
        {self && <span className="ml-2 text-sm font-normal text-muted">(you)</span>}
        {user.disabled && <span className="ml-2 text-sm font-normal text-muted">(disabled)</span>}
      </h3>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Role</span>
          <select className={INPUT} value={role} onChange={(e) => setRole(e.target.value as Role | "none")}>
            <option value="admin">admin</option>
            <option value="technician">technician</option>
            <option value="viewer">viewer</option>
            <option value="none">no access</option>
          </select>
        </label>
        <button type="button" className={PRIMARY_BUTTON} disabled={busy || (role === "viewer" && chosen.size === 0 && choices.length === 0)} onClick={saveRole}>
          Save role
        </button>
      </div>
      {role === "viewer" && (
        <fieldset className="min-w-0">
          <legend className="text-sm font-medium">Clients this viewer sees</legend>
          {choices.length === 0 ? (
            <p className="text-sm text-muted">No clients to choose from.</p>
          ) : (
            <div className="mt-1 flex max-h-48 flex-wrap gap-x-4 gap-y-1 overflow-y-auto">
              {choices.map((c) => (
                <label key={c.clientId} className="flex items-center gap-1 text-sm">
                  <input
                    type="checkbox"
                    checked={chosen.has(c.clientId)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.target.checked) next.add(c.clientId);
                      else next.delete(c.clientId);
                      setChosen(next);
                    }}
                  />
                  {c.name}
                </label>
              ))}
            </div>
          )}
        </fieldset>
      )}
      <div className="flex flex-wrap gap-3">
        <button type="button" className={BUTTON} disabled={busy} onClick={toggleDisabled}>
          {user.disabled ? "Enable" : "Disable"}
        </button>
        <button type="button" className={BUTTON} disabled={busy} onClick={endSessions}>
          End all sessions
        </button>
      </div>
      <p role="status" className={`min-h-5 text-sm ${message?.ok === false ? "text-status-failed" : "text-muted"}`}>
        {message && !message.ok && <span aria-hidden="true">✖ </span>}
        {message?.text}
      </p>
    </section>
  );
}
