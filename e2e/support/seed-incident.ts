// Opens or resolves an incident in DATA_DIR's store, as the alert engine would: the pages are tested on rows whose times the test chose.
import { randomUUID } from "node:crypto";
import { getStore } from "../../lib/store/db";

const [command, arg] = process.argv.slice(2);
const db = await getStore();
if (command === "open" && arg) {
  const input = JSON.parse(arg) as { deviceId: string; deviceName: string; clientId: string; clientName: string; plugin: string; state: string; reason: string; openedAt: number; resolvedAt?: number };
  const id = randomUUID();
  await db
    .insertInto("incidents")
    .values({
      id,
      kind: "health",
      device_id: input.deviceId,
      plugin: input.plugin,
      client_id: input.clientId,
      site_id: "0",
      device_name: input.deviceName,
      client_name: input.clientName,
      site_name: "",
      state: input.state,
      reason: input.reason,
      opened_at: input.openedAt,
      changed_at: input.openedAt,
      flapping: 0,
      successes_needed: 1,
      last_session_at: null,
      last_notified_at: null,
      resolved_at: input.resolvedAt ?? null,
      resolution: input.resolvedAt ? "succeeded" : null,
    })
    .execute();
  console.log(id);
} else if (command === "resolve" && arg) {
  await db.updateTable("incidents").set({ resolved_at: Date.now(), changed_at: Date.now(), resolution: "succeeded" }).where("id", "=", arg).execute();
} else {
  throw new Error("usage: seed-incident.ts open JSON | resolve INCIDENT_ID");
}
await db.destroy();
