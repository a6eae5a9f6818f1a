// Never part of `npm test`. Timings here are noisy: each figure is a ratio against a baseline in the same run, or a count.
// Benchmarks build into and serve from a directory of their own (see next.config.mjs).
process.env.NEXT_DIST_DIR ??= ".next-bench";

import { benchDevicePage } from "./device-page";
import { benchFleet, benchSoak, benchViewers } from "./fleet";
import { benchFleet50k } from "./fleet-50k";
import { benchFleetAnswer } from "./fleet-answer";
import { benchFleetApp } from "./fleet-app";
import { benchFleetLoop } from "./fleet-loop";
import { benchFleetStore } from "./fleet-store";
import { benchInstances } from "./instances";
import { benchLoad } from "./load";
import { benchParse } from "./parse";
import { benchSharedCache } from "./shared-cache";
import { benchSignIn } from "./sign-in";
import { benchSimulator } from "./simulator";

const SECTIONS: Record<string, () => Promise<void>> = {
  parse: benchParse,
  simulator: benchSimulator,
  "device-page": benchDevicePage,
  viewers: benchViewers,
  load: benchLoad,
  soak: benchSoak,
  "sign-in": benchSignIn,
  "fleet-50k": benchFleet50k,
  "fleet-answer": benchFleetAnswer,
  "fleet-store": benchFleetStore,
  "fleet-app": benchFleetApp,
  "fleet-loop": benchFleetLoop,
  "shared-cache": benchSharedCache,
  instances: benchInstances,
  // Over an hour at 60 calls a minute: last.
  fleet: benchFleet,
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const unknown = wanted.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  console.error(`Unknown bench section(s): ${unknown.join(", ")}. Known: ${Object.keys(SECTIONS).join(", ")}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(SECTIONS)) {
  await SECTIONS[name]!();
}
process.exit(0);
