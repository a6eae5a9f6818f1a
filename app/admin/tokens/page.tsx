import type { Metadata } from "next";
import { AdminTable, Cell, When } from "@/components/admin/admin-ui";
import { NewTokenForm } from "@/components/admin/token-controls";
import { RevokeButton } from "@/components/ui/revoke-button";
import { listTokensForAdmin, listUsersForAdmin } from "@/lib/admin/admin";
import { adminPagePrincipal } from "@/lib/admin/page";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const principal = await adminPagePrincipal("tokens.manage");
  const [tokens, users] = await Promise.all([listTokensForAdmin(principal), listUsersForAdmin(principal)]);
  return (
    <>
      <h1 className="text-2xl font-semibold">API tokens</h1>
      <p className="text-sm text-muted">
        A script sends its token as <code>Authorization: Bearer TOKEN</code> and acts as the token&apos;s user, with that user&apos;s role and clients. Only a hash of each token is kept: a token is shown once, when it is created.
      </p>
      <NewTokenForm users={users.filter((u) => u.disabledAt === null).map((u) => ({ id: u.id, email: u.email, role: u.role }))} />
      <h2 className="pt-2 text-xl font-semibold">Tokens</h2>
      {tokens.length === 0 ? (
        <p className="text-sm text-muted">No API tokens yet.</p>
      ) : (
        <AdminTable caption="API tokens" head={["Name", "User", "Created", "Expires", "Last used", "State", ""]}>
          {tokens.map((t) => (
            <tr key={t.id} data-token-row={t.name}>
              <Cell>{t.name}</Cell>
              <Cell>{t.userEmail}</Cell>
              <Cell>
                <When ms={t.createdAt} />
              </Cell>
              <Cell>{t.expiresAt === null ? "never" : <When ms={t.expiresAt} />}</Cell>
              <Cell>
                <When ms={t.lastUsedAt} />
              </Cell>
              <Cell>{t.state}</Cell>
              <Cell>{t.state === "active" && <RevokeButton url={`/api/tokens/${encodeURIComponent(t.id)}`} label={`Revoke ${t.name}`} />}</Cell>
            </tr>
          ))}
        </AdminTable>
      )}
    </>
  );
}
