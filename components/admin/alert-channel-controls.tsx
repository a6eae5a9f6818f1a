"use client";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { sendJson } from "@/lib/queries/send-json";
import { BUTTON, INPUT, PRIMARY_BUTTON } from "./admin-ui";

export interface ClientOption {
  clientId: string;
  name: string;
}

export interface ChannelView {
  id: string;
  type: "webhook" | "email" | "teams" | "slack";
  name: string;
  target: string;
  clients: string[];
  states: string[];
  anomalies: boolean;
  enabled: boolean;
}

const TYPES = [
  { value: "webhook", label: "Webhook (signed JSON)" },
  { value: "email", label: "E-mail" },
  { value: "teams", label: "Microsoft Teams (Workflows)" },
  { value: "slack", label: "Slack" },
] as const;

const STATES = ["failed", "overdue", "warning"] as const;

function Problem({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p role="alert" className="rounded border border-status-failed p-3 text-sm">
      <span aria-hidden="true">✖ </span>
      {text}
    </p>
  );
}

/** The fields both forms share; `current` fills them for an edit. */
function ChannelFields({ type, clients, current }: { type: ChannelView["type"]; clients: ClientOption[]; current?: ChannelView }) {
  const id = useId();
  const editing = current !== undefined;
  return (
    <>
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Name</span>
        <input name="name" required maxLength={80} defaultValue={current?.name} className={INPUT} />
      </label>
      {type === "email" ? (
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Recipients (separated by commas)</span>
          <input name="to" required={!editing} defaultValue={current?.target} maxLength={5_000} className={INPUT} placeholder="noc@msp.example, tickets@psa.example" />
        </label>
      ) : (
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">{editing ? "New URL (empty: unchanged)" : "URL"}</span>
          <input name="url" type="url" required={!editing} maxLength={2_000} autoComplete="off" className={INPUT} placeholder={editing ? current.target : "https://"} />
        </label>
      )}
      {type === "webhook" && (
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">{editing ? "New signing secret (empty: unchanged)" : "Signing secret (empty: generate one)"}</span>
          <input name="secret" minLength={16} maxLength={200} autoComplete="off" className={INPUT} />
        </label>
      )}
      <fieldset className="text-sm">
        <legend className="font-medium">Notify on</legend>
        <div className="flex flex-wrap gap-4">
          {STATES.map((s) => (
            <label key={s} className="flex items-center gap-2">
              <input type="checkbox" name="states" value={s} defaultChecked={current ? current.states.includes(s) : s !== "warning"} />
              {s}
            </label>
          ))}
          <label className="flex items-center gap-2">
            <input type="checkbox" name="anomalies" defaultChecked={current?.anomalies ?? false} />
            quiet failures (anomalies)
          </label>
          {editing && (
            <label className="flex items-center gap-2">
              <input type="checkbox" name="enabled" defaultChecked={current.enabled} />
              enabled
            </label>
          )}
        </div>
      </fieldset>
      <fieldset className="text-sm">
        <legend className="font-medium" id={`${id}-clients`}>
          Clients (none chosen: every client)
        </legend>
        {clients.length === 0 ? (
          <p className="text-muted">The client list is not available; the channel covers every client.</p>
        ) : (
          <div className="mt-1 max-h-48 space-y-1 overflow-y-auto">
            {clients.map((c) => (
              <label key={c.clientId} className="flex items-center gap-2">
                <input type="checkbox" name="clients" value={c.clientId} defaultChecked={current?.clients.includes(c.clientId)} />
                {c.name}
              </label>
            ))}
          </div>
        )}
      </fieldset>
    </>
  );
}

function readCommon(form: FormData) {
  return {
    name: String(form.get("name") ?? ""),
    states: form.getAll("states").map(String),
    clients: form.getAll("clients").map(String),
    anomalies: form.get("anomalies") !== null,
  };
}

function optional(form: FormData, name: string): string | undefined {
  const value = String(form.get(name) ?? "").trim();
  return value === "" ? undefined : value;
}

/** Creates a channel; a webhook's secret is shown here once and lives in this component's state only. */
export function NewChannelForm({ clients }: { clients: ClientOption[] }) {
  const router = useRouter();
  const [type, setType] = useState<ChannelView["type"]>("webhook");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string | null } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    setBusy(true);
    setProblem(null);
    setCreated(null);
    const body = { type, ...readCommon(form), ...(type === "email" ? { to: String(form.get("to") ?? "") } : { url: String(form.get("url") ?? "") }), ...(type === "webhook" && optional(form, "secret") ? { secret: optional(form, "secret") } : {}) };
    const result = await sendJson<{ name: string; secret?: string }>("POST", "/api/alert-channels", body);
    setBusy(false);
    if (!result.ok) {
      setProblem(result.message);
      return;
    }
    setCreated({ name: result.data?.name ?? body.name, secret: result.data?.secret ?? null });
    element.reset();
    router.refresh();
  }

  return (
    <section aria-labelledby="new-channel" className="space-y-3 rounded-lg border border-border bg-surface p-4">
      <h2 id="new-channel" className="text-xl font-semibold">
        New channel
      </h2>
      <form onSubmit={submit} className="grid max-w-xl gap-3">
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Type</span>
          <select name="type" value={type} onChange={(e) => setType(e.target.value as ChannelView["type"])} className={INPUT}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <ChannelFields key={type} type={type} clients={clients} />
        <div>
          <button type="submit" className={PRIMARY_BUTTON} disabled={busy}>
            Create channel
          </button>
        </div>
      </form>
      <Problem text={problem} />
      {created && (
        <div role="status" className="space-y-2 rounded border border-status-ok p-3 text-sm">
          <p className="font-medium">Channel &ldquo;{created.name}&rdquo; created.</p>
          {created.secret && (
            <>
              <p>Its signing secret, for your receiver. Copy it now: it will not be shown again.</p>
              <code data-new-secret className="block break-all rounded bg-canvas p-2 font-mono">
                {created.secret}
              </code>
              <button type="button" className={BUTTON} onClick={() => void navigator.clipboard?.writeText(created.secret!)}>
                Copy
              </button>
            </>
          )}
        </div>
      )}
    </section>
  );
}

export function EditChannelForm({ channel, clients }: { channel: ChannelView; clients: ClientOption[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    setSaved(false);
    const body: Record<string, unknown> = { ...readCommon(form), enabled: form.get("enabled") !== null };
    if (channel.type === "email") body.to = String(form.get("to") ?? "");
    else if (optional(form, "url")) body.url = optional(form, "url");
    if (channel.type === "webhook" && optional(form, "secret")) body.secret = optional(form, "secret");
    const result = await sendJson("PATCH", `/api/alert-channels/${encodeURIComponent(channel.id)}`, body);
    setBusy(false);
    if (!result.ok) {
      setProblem(result.message);
      return;
    }
    setSaved(true);
    router.refresh();
  }

  return (
    <form onSubmit={submit} className="grid max-w-xl gap-3 pt-2" aria-label={`Edit ${channel.name}`}>
      <ChannelFields type={channel.type} clients={clients} current={channel} />
      <div>
        <button type="submit" className={PRIMARY_BUTTON} disabled={busy}>
          Save changes
        </button>
      </div>
      <Problem text={problem} />
      {saved && (
        <p role="status" className="text-sm">
          <span aria-hidden="true">✔ </span>Saved.
        </p>
      )}
    </form>
  );
}

interface TestAnswer {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** Sends a test message now and says how it went; the attempt also lands in the delivery log below. */
export function SendTestButton({ channelId, name }: { channelId: string; name: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button
        type="button"
        className={BUTTON}
        disabled={busy}
        aria-label={`Send a test to ${name}`}
        onClick={async () => {
          setBusy(true);
          setOutcome(null);
          const result = await sendJson<TestAnswer>("POST", `/api/alert-channels/${encodeURIComponent(channelId)}/test`);
          setBusy(false);
          if (!result.ok || !result.data) setOutcome({ ok: false, text: result.ok ? "No answer from the server." : result.message });
          else if (result.data.ok) setOutcome({ ok: true, text: `Test delivered${result.data.statusCode ? ` (${result.data.statusCode})` : ""}.` });
          else setOutcome({ ok: false, text: `Test failed: ${result.data.error ?? "unknown error"}.` });
          router.refresh();
        }}
      >
        {busy ? "Sending…" : "Send test"}
      </button>
      <span role="status" aria-live="polite" className="text-sm" data-test-result={outcome ? (outcome.ok ? "ok" : "failed") : undefined}>
        {outcome && (
          <>
            <span aria-hidden="true">{outcome.ok ? "✔ " : "✖ "}</span>
            {outcome.text}
          </>
        )}
      </span>
    </span>
  );
}

export function DeleteChannelButton({ channelId, name }: { channelId: string; name: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className={`${BUTTON} border-status-failed text-status-failed`}
        disabled={busy}
        aria-label={`Delete ${name}`}
        onClick={async () => {
          setBusy(true);
          setProblem(null);
          const result = await sendJson("DELETE", `/api/alert-channels/${encodeURIComponent(channelId)}`);
          setBusy(false);
          if (result.ok) router.refresh();
          else setProblem(result.message);
        }}
      >
        Delete
      </button>
      {problem && (
        <span role="alert" className="text-sm text-status-failed">
          {problem}
        </span>
      )}
    </>
  );
}
