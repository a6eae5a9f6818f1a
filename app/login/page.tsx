import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard, Field, FormProblem, SubmitButton } from "@/components/auth/auth-card";
import { safeNext } from "@/lib/auth/page";
import { currentPrincipal } from "@/lib/auth/resolve";
import { needsFirstAdmin } from "@/lib/auth/setup";
import { getAuthConfig } from "@/lib/config";
import { getStore } from "@/lib/store/db";
import { firstParam, type SearchParams } from "@/lib/view/list-view";

export const metadata: Metadata = { title: "Sign in" };

function lockMinutes(): number {
  return Math.max(1, Math.ceil(getAuthConfig().loginLockMs / 60_000));
}

/** Sign-in: a local account's e-mail and password (single sign-on adds its button here). */
export default async function LoginPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = await searchParams;
  const next = safeNext(firstParam(query, "next"));
  const principal = await currentPrincipal();
  if (principal && principal.kind !== "display" && principal.kind !== "share") redirect(next);
  const error = firstParam(query, "error");
  const waitingForAdmin = await needsFirstAdmin(await getStore());
  return (
    <AuthCard title="Sign in">
      {waitingForAdmin && (
        <div role="status" className="rounded border border-status-warning p-3 text-sm" data-setup-hint>
          <p className="font-medium">No one can sign in yet.</p>
          <p className="mt-1 text-muted">
            The server wrote a one-time link to create the first administrator to its log when it started (the line with{" "}
            <code>&quot;event&quot;:&quot;setup.link&quot;</code>); it is valid for an hour, and a restart writes a new one. Or create one with{" "}
            <code>npm run users -- add EMAIL --role admin --password-stdin</code>.
          </p>
        </div>
      )}
      {error === "invalid" && <FormProblem>That e-mail and password do not match an account that may sign in.</FormProblem>}
      {error === "locked" && <FormProblem>Too many failed sign-ins. Try again in {lockMinutes()} minutes.</FormProblem>}
      {firstParam(query, "signed_out") && (
        <p role="status" className="text-sm text-muted">
          You are signed out.
        </p>
      )}
      <form action="/auth/login" method="post" className="space-y-4">
        <input type="hidden" name="next" value={next} />
        <Field label="Email" name="email" type="email" autoComplete="username" />
        <Field label="Password" name="password" type="password" autoComplete="current-password" />
        <SubmitButton>Sign in</SubmitButton>
      </form>
    </AuthCard>
  );
}
