"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { sendJson } from "@/lib/queries/send-json";
import { BUTTON, INPUT, PRIMARY_BUTTON } from "./admin-ui";

/** Creates a token and shows it once: it lives in this component's state only, never in a page the server renders. */
export function NewTokenForm({ users }: { users: { id: string; email: string; role: string | null }[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ token: string; name: string; email: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const days = String(form.get("expiresInDays") ?? "").trim();
    if (days !== "" && !/^\d{1,4}$/.test(days)) {
      setProblem("The expiry is a whole number of days, or empty for none.");
      return;
    }
    setBusy(true);
    setProblem(null);
    setIssued(null);
    const result = await sendJson<{ token: string; name: string; userEmail: string }>("POST", "/api/tokens", {
      userId: String(form.get("userId") ?? ""),
      name: String(form.get("name") ?? ""),
      expiresInDays: days === "" ? null : Number(days),
    });
    setBusy(false);
    if (!result.ok || !result.data) {
      setProblem(result.ok ? "The server did not send the token." : result.message);
      return;
    }
    setIssued({ token: result.data.token, name: result.data.name, email: result.data.userEmail });
    formElement.reset();
    router.refresh();
  }

  return (
    <section aria-labelledby="new-token" className="space-y-3 rounded-lg border border-border bg-surface p-4">
      <h2 id="new-token" className="text-xl font-semibold">
        New token
      </h2>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">User</span>
          <select name="userId" required className={INPUT}>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.email} ({u.role ?? "no access"})
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Name</span>
          <input name="name" required maxLength={100} className={INPUT} placeholder="PSA sync" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Expires in days</span>
          <input name="expiresInDays" inputMode="numeric" pattern="[0-9]*" className={`${INPUT} w-28`} placeholder="never" />
        </label>
        <button type="submit" className={PRIMARY_BUTTON} disabled={busy}>
          Create token
        </button>
      </form>
      {problem && (
        <p role="alert" className="rounded border border-status-failed p-3 text-sm">
          <span aria-hidden="true">✖ </span>
          {problem}
        </p>
      )}
      {issued && (
        <div role="status" className="space-y-2 rounded border border-status-warning p-3 text-sm">
          <p className="font-medium">
            Token &ldquo;{issued.name}&rdquo; for {issued.email}. Copy it now: it will not be shown again.
          </p>
          <code data-new-token className="block break-all rounded bg-canvas p-2 font-mono">
            {issued.token}
          </code>
          <button type="button" className={BUTTON} onClick={() => void navigator.clipboard?.writeText(issued.token)}>
            Copy
          </button>
        </div>
      )}
    </section>
  );
}
