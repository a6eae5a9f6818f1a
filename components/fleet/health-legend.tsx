import { HEALTH_DESCRIPTIONS, HEALTH_ORDER } from "@/lib/health/backup-health";
import { HEALTH_LOOK } from "@/lib/session-status";

export function HealthLegend() {
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-accent">How backup health is judged</summary>
      <dl className="mt-2 grid gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
        {HEALTH_ORDER.map((state) => (
          <div key={state} className="contents">
            <dt className="font-medium" style={{ color: HEALTH_LOOK[state].ink }}>
              <span aria-hidden="true">{HEALTH_LOOK[state].icon} </span>
              {HEALTH_LOOK[state].label}
            </dt>
            <dd className="text-muted">{HEALTH_DESCRIPTIONS[state]}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 text-muted">
        Each plugin of a device is judged from its own backups; the device takes its worst plugin&apos;s state. Every state carries the time its
        sessions were read from N-sight.
      </p>
    </details>
  );
}
