"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NotFoundUp({ what }: { what: string }) {
  const pathname = usePathname() ?? "/";
  const parts = pathname.split("/").filter(Boolean);
  // /clients/1/sites/2 → /clients/1 ; /clients/1 → /
  const up = parts.length >= 4 ? `/${parts.slice(0, 2).join("/")}` : "/";
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-semibold">{what} not found</h1>
      <p className="text-muted">N-sight does not know this {what.toLowerCase()}, or the API key cannot see it.</p>
      <Link href={up} className="text-accent underline">
        {up === "/" ? "Back to all clients" : "Back to the client"}
      </Link>
    </div>
  );
}
