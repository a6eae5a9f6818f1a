"use client";

import Link from "next/link";

// `retry`, not `reset`: a plain reset would re-render the same failed payload.
export default function DashboardError({ retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <div role="alert" className="space-y-3 rounded-lg border border-status-failed bg-surface p-6">
      <h1 className="text-xl font-semibold text-status-failed">
        <span aria-hidden="true">✖ </span>This page could not be shown
      </h1>
      <p className="text-muted">Something went wrong while preparing it. The problem has been logged on the server.</p>
      <div className="flex gap-3">
        <button type="button" onClick={retry} className="rounded border border-border px-3 py-1.5 text-sm font-medium">
          Retry
        </button>
        <Link href="/" className="rounded border border-border px-3 py-1.5 text-sm font-medium">
          All clients
        </Link>
      </div>
    </div>
  );
}
