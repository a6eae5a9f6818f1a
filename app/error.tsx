"use client";

// Above every section's own layout: a layout that fails (the store unreachable while resolving who is signed in) lands here, not on a bare error page.
export default function RootError({ retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <main className="mx-auto max-w-screen-md px-4 py-10">
      <div role="alert" className="space-y-3 rounded-lg border border-status-failed bg-surface p-6">
        <h1 className="text-xl font-semibold text-status-failed">
          <span aria-hidden="true">✖ </span>This page could not be shown
        </h1>
        <p className="text-muted">The dashboard could not prepare it just now; the problem has been logged on the server. It is usually back within moments.</p>
        <button type="button" onClick={retry} className="rounded border border-border px-3 py-1.5 text-sm font-medium">
          Retry
        </button>
      </div>
    </main>
  );
}
