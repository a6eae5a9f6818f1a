import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { DemoBadge } from "@/components/ui/demo-badge";
import type { Theme } from "@/lib/theme";
import { ThemeSwitch } from "./theme-switch";

export function SiteHeader({ demo, demoAdmin, theme, signedInAs, admin = false, share = false, incidents = false }: { demo: boolean; demoAdmin: boolean; theme: Theme; signedInAs: string | null; admin?: boolean; share?: boolean; incidents?: boolean }) {
  return (
    <header className="border-b border-border bg-surface print:hidden">
      <div className="mx-auto flex max-w-screen-2xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="text-lg font-semibold text-ink hover:underline">
          N-sight Backup Dashboard
        </Link>
        <nav aria-label="Main" className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          <Link href="/" className="text-accent hover:underline">
            Clients
          </Link>
          {incidents && (
            <Link href="/incidents" className="text-accent hover:underline">
              Incidents
            </Link>
          )}
          <Link href="/noc" className="text-accent hover:underline">
            NOC wall
          </Link>
          {share && (
            <Link href="/share-links" className="text-accent hover:underline">
              Share links
            </Link>
          )}
          {admin && (
            <Link href="/admin/users" className="text-accent hover:underline">
              Admin
            </Link>
          )}
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-4">
          {demo && <DemoBadge demoAdmin={demoAdmin} />}
          {signedInAs && (
            <span className="flex items-center gap-3 text-sm">
              <span className="text-muted">
                Signed in as <span className="text-ink">{signedInAs}</span>
              </span>
              <SignOutButton />
            </span>
          )}
          <ThemeSwitch initial={theme} />
        </div>
      </div>
    </header>
  );
}
