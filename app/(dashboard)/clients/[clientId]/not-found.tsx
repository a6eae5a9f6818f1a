import { NotFoundUp } from "@/components/ui/not-found-up";

export default function ClientNotFound() {
  return <NotFoundUp what="Client" />;
}
