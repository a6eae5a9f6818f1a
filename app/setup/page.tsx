import type { Metadata } from "next";
import { AuthCard, Field, FormProblem, SubmitButton } from "@/components/auth/auth-card";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/passwords";
import { needsFirstAdmin, setupTokenValid } from "@/lib/auth/setup";
import { getStore } from "@/lib/store/db";
import { firstParam, type SearchParams } from "@/lib/view/list-view";

export const metadata: Metadata = { title: "Create the first administrator", referrer: "no-referrer" };

const PROBLEMS: Record<string, string> = {
  email: "Give a valid e-mail address.",
  password: `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`,
  confirm: "The two passwords differ.",
};

export default async function SetupPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = await searchParams;
  const token = firstParam(query, "token") ?? "";
  const db = await getStore();
  if (!(await needsFirstAdmin(db)) || !(await setupTokenValid(db, token))) {
    return (
      <AuthCard title="This setup link is not valid">
        <p className="text-muted">
          It has expired, was already used, or an administrator exists. Restart the server for a new link in its log, or use{" "}
          <code>npm run users -- add EMAIL --role admin --password-stdin</code>.
        </p>
      </AuthCard>
    );
  }
  const problem = PROBLEMS[firstParam(query, "error") ?? ""];
  return (
    <AuthCard title="Create the first administrator">
      {problem && <FormProblem>{problem}</FormProblem>}
      <form action="/auth/setup" method="post" className="space-y-4">
        <input type="hidden" name="token" value={token} />
        <Field label="Email" name="email" type="email" autoComplete="username" />
        <Field label="Name" name="name" autoComplete="name" required={false} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" />
        <Field label="Repeat the password" name="confirm" type="password" autoComplete="new-password" />
        <SubmitButton>Create administrator</SubmitButton>
      </form>
    </AuthCard>
  );
}
