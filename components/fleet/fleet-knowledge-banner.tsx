"use client";

import { useBrowserZone, useNow } from "@/components/hooks/use-now";
import { describeKnowledge } from "@/lib/fleet/knowledge-text";
import type { FleetKnowledge, FleetKnowledgeKind } from "@/lib/fleet/types";

const LOOK: Record<Exclude<FleetKnowledgeKind, "current">, { icon: string; ink: string }> = {
  auth_refused: { icon: "⚠", ink: "var(--status-failed)" },
  unreachable: { icon: "⚠", ink: "var(--status-failed)" },
  throttled: { icon: "⚠", ink: "var(--status-warning)" },
  reading: { icon: "…", ink: "var(--status-neutral)" },
};

/** The NOC wall and the fleet view render this same banner from the same status, so they never disagree. */
export function FleetKnowledgeBanner({ knowledge, renderedAt, size }: { knowledge: FleetKnowledge; renderedAt: number; size: "wall" | "page" }) {
  const now = useNow(1_000, renderedAt);
  const zone = useBrowserZone();
  const text = describeKnowledge(knowledge, now, zone);
  if (!text || knowledge.kind === "current") return null;
  const look = LOOK[knowledge.kind];
  return (
    <div
      role={knowledge.kind === "reading" ? "status" : "alert"}
      data-testid="fleet-knowledge"
      data-state={knowledge.kind}
      className={size === "wall" ? "rounded-[0.5em] border-[0.2em] bg-surface p-[0.5em]" : "rounded-lg border-2 bg-surface p-3"}
      style={{ borderColor: look.ink }}
    >
      <p className={size === "wall" ? "text-[1.6em] font-bold leading-tight" : "text-lg font-semibold"} style={{ color: look.ink }}>
        <span aria-hidden="true">{look.icon} </span>
        {text.headline}.
      </p>
      <p className={size === "wall" ? "text-[1.1em]" : "mt-1 text-sm"}>{text.detail}</p>
    </div>
  );
}
