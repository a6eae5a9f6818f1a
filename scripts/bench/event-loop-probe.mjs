// Preloaded by the load benchmark, never by the app: a client's timeout is told apart from a stalled loop or a GC pause.
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

const file = process.env.BENCH_EVENT_LOOP_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let gcMaxMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
  }).observe({ entryTypes: ["gc"] });
  setInterval(() => {
    const line = { at: Date.now(), maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, meanMs: histogram.mean / 1e6, gcMaxMs };
    histogram.reset();
    gcMaxMs = 0;
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
    }
  }, 1_000).unref();
}
