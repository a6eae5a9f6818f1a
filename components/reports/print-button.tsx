"use client";

/** The browser's print dialog, where "Save as PDF" gives the report as a file. */
export function PrintButton() {
  return (
    <button type="button" onClick={() => window.print()} className="rounded border border-border bg-surface px-3 py-1.5 text-sm font-medium hover:bg-surface-muted">
      Print / Save as PDF
    </button>
  );
}
