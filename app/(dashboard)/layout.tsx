import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/layout/site-header";
import { isAdministrator } from "@/lib/admin/page";
import { can } from "@/lib/auth/access";
import { safeNext } from "@/lib/auth/page";
import { describePrincipal } from "@/lib/auth/principal";
import { currentPrincipal } from "@/lib/auth/resolve";
import { isDemo } from "@/lib/config";
import { parseTheme, THEME_COOKIE } from "@/lib/theme";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  // Also redirected here, outside the loading boundary, so it is a real redirect before anything streams.
  const principal = await currentPrincipal();
  if (!principal) redirect(`/login?next=${encodeURIComponent(safeNext((await headers()).get("x-request-path")))}`);
  if (principal.kind === "display") forbidden();
  const signedInAs = principal?.kind === "user" ? describePrincipal(principal) : null;
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      <SiteHeader demo={isDemo()} demoAdmin={principal?.kind === "demo"} theme={theme} signedInAs={signedInAs} admin={isAdministrator(principal)} share={can(principal, "share.create")} incidents={can(principal, "incidents.read")} />
      <main id="main" className="mx-auto max-w-screen-2xl space-y-4 px-4 py-4 sm:space-y-6 sm:py-6">
        {children}
      </main>
    </>
  );
}
