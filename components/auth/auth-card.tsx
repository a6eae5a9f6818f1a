import type { ReactNode } from "react";

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="mx-auto max-w-md space-y-5 px-4 py-10 sm:py-16">
      <p className="text-lg font-semibold">N-sight Backup Dashboard</p>
      <div className="space-y-4 rounded-lg border border-border bg-surface p-5 sm:p-6">
        <h1 className="text-2xl font-semibold">{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function Field({ label, name, type = "text", autoComplete, required = true, defaultValue }: { label: string; name: string; type?: string; autoComplete?: string; required?: boolean; defaultValue?: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={`field-${name}`} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={`field-${name}`}
        name={name}
        type={type}
        autoComplete={autoComplete}
        required={required}
        defaultValue={defaultValue}
        className="w-full rounded border border-border bg-canvas px-3 py-2 text-ink"
      />
    </div>
  );
}

export function SubmitButton({ children }: { children: ReactNode }) {
  return (
    <button type="submit" className="w-full rounded bg-accent px-4 py-2 font-semibold text-accent-ink hover:opacity-90 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2">
      {children}
    </button>
  );
}

export function FormProblem({ children }: { children: ReactNode }) {
  return (
    <p role="alert" className="rounded border border-status-failed p-3 text-sm">
      <span aria-hidden="true">✖ </span>
      {children}
    </p>
  );
}
