import { redirect } from "next/navigation";
import { adminPagePrincipal } from "@/lib/admin/page";

export default async function AdminHome() {
  // Checked here too: a page's RSC payload renders beside its layout, and the redirect below must not answer before the refusal.
  await adminPagePrincipal("users.manage");
  redirect("/admin/users");
}
