import { NotFoundUp } from "@/components/ui/not-found-up";

export default function SiteNotFound() {
  return <NotFoundUp what="Site" />;
}
