import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard, Field, FormProblem, SubmitButton } from "@/components/auth/auth-card";
import { safeNext } from "@/lib/auth/page";
import { currentPrincipal } from "@/lib/auth/resolve";
import { needsFirstAdmin } from "@/lib/auth/setup";
import { getAuthConfig } from "@/lib/config";
import { getStore } from "@/lib/store/db";
import { countPasswordUsers } from "@/lib/store/users";
import { firstParam, type SearchParams } from "@/lib/view/list-view";

export const metadata: Metadata = { title: "Sign in" };

const SSO_PROBLEMS: Record<string, string> = {
  sso_unavailable: "The identity provider could not be reached. Try again in a moment.",
  sso_expired: "That sign-in took too long or was started in another window. Please sign in again.",
  sso_denied: "The identity provider did not sign you in.",
  sso_rejected: "The identity provider's answer could not be verified, so you were not signed in. Please sign in again.",
  sso_disabled: "This account has been disabled by an administrator of this dashboard.",
};

function lockMinutes(): number {
  return Math.max(1, Math.ceil(getAuthConfig().loginLockMs / 60_000));
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = await searchParams;
  const next = safeNext(firstParam(query, "next"));
  const principal = await currentPrincipal();
  if (principal && principal.kind !== "display" && principal.kind !== "share") redirect(next);
  const error = firstParam(query, "error");
  const db = await getStore();
  const waitingForAdmin = await needsFirstAdmin(db);
  const sso = getAuthConfig().oidc;
  // With single sign-on, the local form is for break-glass accounts: shown only when one exists.
  const localForm = !sso || (await countPasswordUsers(db)) > 0;
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
      {error && Object.hasOwn(SSO_PROBLEMS, error) && <FormProblem>{SSO_PROBLEMS[error]}</FormProblem>}
      {error === "locked" && <FormProblem>Too many failed sign-ins. Try again in {lockMinutes()} minutes.</FormProblem>}
      {firstParam(query, "signed_out") && (
        <p role="status" className="text-sm text-muted">
          You are signed out.
        </p>
      )}
      {sso && (
        <>
          {/* A link, not a form: the CSP's form-action would block the redirect to the identity provider. */}
          <a
            href={`/auth/sign-in?next=${encodeURIComponent(next)}`}
            className="block w-full rounded bg-accent px-4 py-2 text-center font-semibold text-accent-ink hover:opacity-90 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2"
            data-sso-sign-in
          >
            Sign in with {sso.name}
          </a>
          {localForm && <p className="text-center text-sm text-muted">or with a local account</p>}
        </>
      )}
      {localForm && (
        <form action="/auth/login" method="post" className="space-y-4">
          <input type="hidden" name="next" value={next} />
          <Field label="Email" name="email" type="email" autoComplete="username" />
          <Field label="Password" name="password" type="password" autoComplete="current-password" />
          <SubmitButton>Sign in</SubmitButton>
        </form>
      )}
    </AuthCard>
  );
}
