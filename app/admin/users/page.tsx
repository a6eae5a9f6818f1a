import type { Metadata } from "next";
import { AdminTable, Cell, When } from "@/components/admin/admin-ui";
import { UserControls } from "@/components/admin/user-controls";
import { listUsersForAdmin } from "@/lib/admin/admin";
import { adminPagePrincipal } from "@/lib/admin/page";
import { can } from "@/lib/auth/access";
import { getClients } from "@/lib/data/nsight-data";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const principal = await adminPagePrincipal("users.manage");
  const users = await listUsersForAdmin(principal);
  const clients = can(principal, "client.read") ? await getClients(principal).then((c) => c.data.map(({ clientId, name }) => ({ clientId, name })), () => null) : null;
  const names = new Map(clients?.map((c) => [c.clientId, c.name]));
  const clientNames = (ids: string[] | null) => (ids === null ? "all" : ids.length === 0 ? "none" : ids.map((id) => names.get(id) ?? `#${id}`).join(", "));
  const selfId = principal.kind === "user" ? principal.user.id : null;
  return (
    <>
      <h1 className="text-2xl font-semibold">Users</h1>
      <p className="text-sm text-muted">
        People are added with <code>npm run users -- add</code> or by signing in with single sign-on. A change of role or clients applies to their next request.
      </p>
      {clients === null && (
        <p role="status" className="rounded border border-status-warning p-3 text-sm">
          The client list could not be read from N-sight just now; clients show by id.
        </p>
      )}
      <AdminTable caption="Users" head={["Email", "Name", "Role", "Clients", "State", "Last sign-in"]}>
        {users.map((u) => (
          <tr key={u.id} data-user={u.email}>
            <Cell>{u.email}</Cell>
            <Cell>{u.name ?? "—"}</Cell>
            <Cell>{u.role ?? "no access"}</Cell>
            <Cell>{clientNames(u.role === "viewer" ? u.clientIds : u.role ? null : [])}</Cell>
            <Cell>{u.disabledAt === null ? "enabled" : "disabled"}</Cell>
            <Cell>
              <When ms={u.lastSignInAt} />
            </Cell>
          </tr>
        ))}
      </AdminTable>
      <h2 className="pt-2 text-xl font-semibold">Change a user</h2>
      <div className="grid gap-4 lg:grid-cols-2">
        {users.map((u) => (
          <UserControls key={u.id} user={{ id: u.id, email: u.email, role: u.role, clientIds: u.clientIds, disabled: u.disabledAt !== null }} clients={clients ?? []} self={u.id === selfId} />
        ))}
      </div>
    </>
  );
}
