"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/admin/users", label: "Users" },
  { href: "/admin/tokens", label: "API tokens" },
  { href: "/admin/displays", label: "Displays" },
  { href: "/admin/alerts", label: "Alerts" },
  { href: "/admin/audit", label: "Audit log" },
];

export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin" className="flex flex-wrap gap-4 border-b border-border pb-2 text-sm">
      {LINKS.map((link) => {
        const current = pathname === link.href;
        return (
          <Link key={link.href} href={link.href} aria-current={current ? "page" : undefined} className={current ? "font-semibold text-ink" : "text-accent hover:underline"}>
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}
