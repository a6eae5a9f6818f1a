import { SignOutButton } from "./sign-out-button";

export function NoAccess({ who }: { who: string }) {
  return (
    <div className="space-y-3" data-no-access>
      <h1 className="text-2xl font-semibold">You have no access to this dashboard</h1>
      <p className="text-muted">
        You are signed in as {who}, but no role here lets you see this. Ask an administrator of this dashboard to give you one.
      </p>
      <SignOutButton />
    </div>
  );
}
