import type { ReactNode } from "react";
import { RetryButton } from "./retry-button";

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div role="status" className="rounded-lg border border-dashed border-border bg-surface p-6 text-center">
      <p className="font-medium">{title}</p>
      {children && <div className="mt-1 text-sm text-muted">{children}</div>}
    </div>
  );
}

/** Our own message, never a stack. */
export function ErrorState({ title, message, retry }: { title: string; message: string; retry?: ReactNode }) {
  return (
    <div role="alert" className="rounded-lg border border-status-failed bg-surface p-4">
      <p className="font-medium text-status-failed">
        <span aria-hidden="true">✖ </span>
        {title}
      </p>
      <p className="mt-1 text-sm text-muted">{message}</p>
      <div className="mt-3">{retry ?? <RetryButton />}</div>
    </div>
  );
}
