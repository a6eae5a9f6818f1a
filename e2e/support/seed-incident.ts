// Opens or resolves an incident in DATA_DIR's store through the engine's own store functions, at times the test chooses.
import { getStore } from "../../lib/store/db";
import { openIncident, resolveIncident } from "../../lib/store/incidents";

const [command, arg] = process.argv.slice(2);
const db = await getStore();
if (command === "open" && arg) {
  const input = JSON.parse(arg) as { deviceId: string; deviceName: string; clientId: string; clientName: string; plugin: string; state: string; reason: string; openedAt: number; resolvedAt?: number };
  const row = await openIncident(db, {
    kind: "health",
    deviceId: input.deviceId,
    plugin: input.plugin,
    clientId: input.clientId,
    siteId: "0",
    deviceName: input.deviceName,
    clientName: input.clientName,
    siteName: "",
    state: input.state,
    reason: input.reason,
    openedAt: input.openedAt,
    changedAt: input.openedAt,
    flapping: false,
    successesNeeded: 1,
    lastSessionAt: null,
  });
  if (input.resolvedAt !== undefined) await resolveIncident(db, row.id, input.resolvedAt, "recovered");
  console.log(row.id);
} else if (command === "resolve" && arg) {
  await resolveIncident(db, arg, Date.now(), "recovered");
} else {
  throw new Error("usage: seed-incident.ts open JSON | resolve INCIDENT_ID");
}
await db.destroy();
