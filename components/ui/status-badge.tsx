import type { DeviceHealthState } from "@/lib/health/backup-health";
import { HEALTH_LOOK, sessionStatusLook, type StatusLook } from "@/lib/session-status";

function Badge({ look, size = "sm" }: { look: StatusLook; size?: "sm" | "lg" }) {
  return (
    <span
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full border font-medium ${size === "lg" ? "px-3 py-1 text-base" : "px-2 py-0.5 text-xs"}`}
      style={{ color: look.ink, borderColor: look.ink }}
    >
      <span aria-hidden="true">{look.icon}</span>
      {look.label}
    </span>
  );
}

export function SessionStatusBadge({ status }: { status: string }) {
  return <Badge look={sessionStatusLook(status)} />;
}

export function HealthBadge({ state, size }: { state: DeviceHealthState; size?: "sm" | "lg" }) {
  return <Badge look={HEALTH_LOOK[state]} size={size} />;
}
