// Preloaded by the load benchmark, never by the app: a client's timeout is told apart from a stalled loop or a GC pause.
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

const file = process.env.BENCH_EVENT_LOOP_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let gcMaxMs = 0;
  // Which collector paused longest: a scavenge (allocation rate) and a mark-compact (heap size) are cured differently.
  let gcMaxKind = null;
  const GC_KINDS = { 1: "scavenge", 2: "mark-compact", 4: "incremental", 8: "weak-callbacks" };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration <= gcMaxMs) continue;
      gcMaxMs = entry.duration;
      gcMaxKind = GC_KINDS[entry.detail?.kind] ?? String(entry.detail?.kind);
    }
  }).observe({ entryTypes: ["gc"] });
  setInterval(() => {
    const line = { at: Date.now(), maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6, meanMs: histogram.mean / 1e6, gcMaxMs, gcMaxKind };
    histogram.reset();
    gcMaxMs = 0;
    gcMaxKind = null;
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
    }
  }, 1_000).unref();
}
