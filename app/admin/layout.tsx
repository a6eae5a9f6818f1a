import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { SiteHeader } from "@/components/layout/site-header";
import { adminPagePrincipal } from "@/lib/admin/page";
import { can } from "@/lib/auth/access";
import { describePrincipal } from "@/lib/auth/principal";
import { isDemo } from "@/lib/config";
import { parseTheme, THEME_COOKIE } from "@/lib/theme";

export const metadata = { robots: { index: false } };

// Outside the dashboard's route group: its loading boundary would answer 200 before the 403 below.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const principal = await adminPagePrincipal();
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      <SiteHeader demo={isDemo()} demoAdmin={principal.kind === "demo"} theme={theme} signedInAs={principal.kind === "user" ? describePrincipal(principal) : null} admin share={can(principal, "share.create")} incidents={can(principal, "incidents.read")} />
      <main id="main" className="mx-auto max-w-screen-2xl space-y-4 px-4 py-4 sm:space-y-6 sm:py-6">
        <AdminNav />
        {children}
      </main>
    </>
  );
}
