// Loaded into the server under test by the load benchmark (NODE_OPTIONS=--import), never by
// the app itself: once a second it appends how late the event loop ran during that second,
// and the longest garbage-collection pause in it, to BENCH_EVENT_LOOP_FILE (one JSON line
// each). A server whose loop never stalls for long cannot be the cause of a client's 10 s
// timeout; a stall that matches a GC pause is the heap, not our code.
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
      // The benchmark removed its directory: nothing left to report to.
    }
  }, 1_000).unref();
}
