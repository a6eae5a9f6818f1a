import "server-only";
/** The one alert engine of this process (docs/alerts.md): judges the fleet after each change and delivers what is due. */
import { AlertEngine } from "../alerts/engine";
import { createChannelSender } from "../alerts/channels";
import { getAlertConfig, getAuthConfig } from "../config";
import type { FleetRefresher } from "../fleet/refresher";
import { describeError, log } from "../log";
import { getStore, type Store } from "../store/db";
import { nextNotificationDueAt, pruneAlertHistory } from "../store/notifications";

/** Overdue states, reminders and quiet periods move with the clock even when the fleet does not. */
const EVALUATE_AT_LEAST_EVERY_MS = 30_000;
const TICK_MS = 5_000;
const SOONEST_TICK_MS = 250;
const PRUNE_EVERY_MS = 3_600_000;
/** The delivery log keeps 90 days; resolved incidents a year (the incidents page shows 30 days, reports a month). */
const KEEP_MESSAGES_MS = 90 * 86_400_000;
const KEEP_RESOLVED_MS = 365 * 86_400_000;

type FleetView = Pick<FleetRefresher, "alertViewInTurns">;

export class AlertService {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private lastVersion = -1;
  private lastEvaluatedAt = 0;
  private lastPrunedAt = 0;

  constructor(
    readonly engine: AlertEngine,
    private readonly db: Store,
    private readonly fleet: FleetView,
    private readonly now: () => number = Date.now,
    /** With several instances: whether this one still leads; a demoted one neither judges nor sends. */
    private readonly mayRun: () => boolean = () => true,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One evaluation (when the fleet changed or a while has passed) and one delivery pass; answers when to come back. */
  async tick(): Promise<number> {
    if (!this.mayRun()) return TICK_MS;
    const view = await this.fleet.alertViewInTurns();
    const now = this.now();
    if (view.version !== this.lastVersion || now - this.lastEvaluatedAt >= EVALUATE_AT_LEAST_EVERY_MS) {
      await this.engine.evaluate(view);
      this.lastVersion = view.version;
      this.lastEvaluatedAt = now;
    }
    // Checked again: the lease may have been lost while the evaluation ran.
    if (!this.mayRun()) return TICK_MS;
    await this.engine.dispatchDue();
    if (now - this.lastPrunedAt >= PRUNE_EVERY_MS) {
      this.lastPrunedAt = now;
      await pruneAlertHistory(this.db, now - KEEP_MESSAGES_MS, now - KEEP_RESOLVED_MS);
    }
    const due = await nextNotificationDueAt(this.db);
    return due === null ? TICK_MS : Math.min(TICK_MS, Math.max(SOONEST_TICK_MS, due - this.now()));
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick().then(
        (next) => this.schedule(next),
        (error: unknown) => {
          log("error", "alerts.tick_failed", { error: describeError(error) });
          this.schedule(TICK_MS);
        },
      );
    }, delay);
    this.timer.unref?.();
  }
}

const ALERTS = Symbol.for("nsight-backup-dashboard.alerts");
type GlobalWithAlerts = typeof globalThis & { [ALERTS]?: Promise<AlertService> };

async function createAlerts(fleet: FleetView, mayRun?: () => boolean): Promise<AlertService> {
  const db = await getStore();
  const config = getAlertConfig();
  const { publicUrl } = getAuthConfig();
  const sender = createChannelSender({ db, publicUrl, smtpUrl: config.smtpUrl, from: config.from });
  const engine = new AlertEngine({ db, sender, config, publicUrl, log });
  const service = new AlertService(engine, db, fleet, Date.now, mayRun);
  const stop = () => service.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.once("beforeExit", stop);
  return service;
}

/** Started beside the fleet refresher, once per process; with several instances on each election (`mayRun`: while this one leads). */
export async function startAlerts(fleet: FleetView, mayRun?: () => boolean): Promise<AlertService> {
  const g = globalThis as GlobalWithAlerts;
  g[ALERTS] ??= createAlerts(fleet, mayRun).catch((error: unknown) => {
    g[ALERTS] = undefined;
    throw error;
  });
  const service = await g[ALERTS];
  service.start();
  return service;
}

export function runningAlerts(): Promise<AlertService> | undefined {
  return (globalThis as GlobalWithAlerts)[ALERTS];
}
