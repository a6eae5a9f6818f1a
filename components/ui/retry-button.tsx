"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";

export function RetryButton({ label = "Retry", onRetry }: { label?: string; onRetry?: () => void }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <button
      type="button"
      className="rounded border border-border bg-surface px-3 py-1.5 text-sm font-medium text-ink hover:bg-surface-muted disabled:opacity-60"
      disabled={pending}
      onClick={() => (onRetry ? onRetry() : startTransition(() => router.refresh()))}
    >
      {pending ? "Retrying…" : label}
    </button>
  );
}
