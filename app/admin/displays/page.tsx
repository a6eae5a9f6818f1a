import type { Metadata } from "next";
import { listDisplaysAs } from "@/lib/auth/display-admin";
import { adminPagePrincipal } from "@/lib/admin/page";
import { getClients } from "@/lib/data/nsight-data";
import { displayName } from "@/lib/display-name";
import { formatAge, formatTime } from "@/lib/format";
import { isNsightError } from "@/lib/nsight/errors";
import { firstParam, type SearchParams } from "@/lib/view/list-view";

export const metadata: Metadata = { title: "Displays" };

const PROBLEMS: Record<string, string> = {
  code: "No wall shows this code: it is mistyped, expired (codes last 15 minutes) or used already.",
  name: "Give the display a name of 1 to 80 characters.",
  clients: "Choose clients from the list.",
  revoke: "That display was revoked already.",
};

export default async function DisplaysPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await adminPagePrincipal("displays.manage");
  const query = await searchParams;
  const problem = PROBLEMS[firstParam(query, "error") ?? ""];
  const done = firstParam(query, "done");
  const displays = await listDisplaysAs(principal);
  let clients: { clientId: string; name: string }[] = [];
  let clientsProblem: string | null = null;
  try {
    clients = (await getClients(principal)).data;
  } catch (error) {
    if (!isNsightError(error)) throw error;
    clientsProblem = `The client list could not be read from N-sight (${error.message}); a display paired now shows every client.`;
  }
  const clientName = new Map(clients.map((c) => [c.clientId, displayName(c.name, `Client ${c.clientId}`)]));
  return (
    <>
      <h1 className="text-2xl font-semibold">Displays</h1>
      <p className="max-w-prose text-muted">
        A NOC wall screen opens <code>/noc</code> and shows a pairing code. Enter it here to let that screen show the backup health of the clients you choose,
        and nothing else. It stays paired (its credential is renewed while in use) until you revoke it.
      </p>
      {problem && (
        <p role="alert" className="rounded border border-status-failed p-3 text-status-failed">
          {problem}
        </p>
      )}
      {done === "paired" && (
        <p role="status" className="rounded border border-status-ok p-3">
          Paired: the wall shows its clients within a few seconds.
        </p>
      )}
      {done === "revoked" && (
        <p role="status" className="rounded border border-status-ok p-3">
          Revoked: the wall stops showing data at its next refresh.
        </p>
      )}
      <form method="post" action="/admin/displays/pair" className="max-w-xl space-y-3 rounded border border-border p-4" aria-labelledby="pair-heading">
        <h2 id="pair-heading" className="text-lg font-semibold">
          Pair a display
        </h2>
        <label className="block">
          <span className="block font-medium">Code</span>
          <input name="code" required maxLength={20} autoComplete="off" autoCapitalize="characters" spellCheck={false} className="mt-1 w-full rounded border border-border bg-surface px-2 py-1 font-mono uppercase" />
        </label>
        <label className="block">
          <span className="block font-medium">Name</span>
          <input name="name" required maxLength={80} placeholder="NOC wall, 2nd floor" className="mt-1 w-full rounded border border-border bg-surface px-2 py-1" />
        </label>
        <fieldset>
          <legend className="font-medium">Clients (none chosen: every client)</legend>
          {clientsProblem && <p className="text-sm text-status-warning">{clientsProblem}</p>}
          <div className="mt-1 max-h-64 space-y-1 overflow-y-auto">
            {clients.map((c) => (
              <label key={c.clientId} className="flex items-center gap-2">
                <input type="checkbox" name="clients" value={c.clientId} />
                {displayName(c.name, `Client ${c.clientId}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" className="rounded bg-accent px-3 py-1.5 font-medium text-accent-ink">
          Pair
        </button>
      </form>
      <h2 className="pt-4 text-xl font-semibold">Paired displays</h2>
      {displays.length === 0 ? (
        <p className="text-muted">No display is paired.</p>
      ) : (
        <table className="w-full text-left" aria-label="Paired displays">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Clients</th>
              <th scope="col">Last seen</th>
              <th scope="col">Last address</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {displays.map((d) => (
              <tr key={d.id} data-display-id={d.id} className="border-t border-border">
                <td>{d.name}</td>
                <td>{d.clients.length ? d.clients.map((id) => clientName.get(id) ?? `Client ${id}`).join(", ") : "All clients"}</td>
                <td>{d.lastSeenAt ? `${formatAge(d.lastSeenAt)} (${formatTime(d.lastSeenAt)} UTC)` : "Not yet"}</td>
                <td>{d.lastAddress ?? "—"}</td>
                <td>
                  <form method="post" action="/admin/displays/revoke">
                    <input type="hidden" name="id" value={d.id} />
                    <button type="submit" className="rounded border border-status-failed px-2 py-0.5 text-status-failed" aria-label={`Revoke ${d.name}`}>
                      Revoke
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
