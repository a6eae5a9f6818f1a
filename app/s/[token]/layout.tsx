import type { Metadata } from "next";
import type { ReactNode } from "react";

// The token is in this page's address: no Referer carries it elsewhere, and no search engine keeps it.
export const metadata: Metadata = { title: "Shared backups", referrer: "no-referrer", robots: { index: false, follow: false } };

export default function ShareLayout({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="mx-auto max-w-screen-2xl space-y-4 px-4 py-4 sm:space-y-6 sm:py-6">
      <p className="text-sm text-muted print:hidden">Shared, read-only view.</p>
      {children}
    </main>
  );
}
