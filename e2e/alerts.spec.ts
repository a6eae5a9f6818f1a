import { rmSync } from "node:fs";
import { expect, test } from "@playwright/test";
import {
  startSlackReceiver,
  startSmtpReceiver,
  startTeamsReceiver,
  startWebhookReceiver,
} from "../lib/testing/alert-receivers";
import { ALERTS_APP_PORT, E2E_PASSWORD, E2E_SIMULATOR_ARGS, e2eAppEnv } from "./support/env";
import { startOwnApp, startOwnSimulator, type OwnProcess } from "./support/processes";
import { simulatorAt, type SimulatedDevice } from "./support/simulator-control";
import { addUser, issueTokenWithCli } from "./support/users";

const DATA_DIR = ".cache/e2e-alerts";
const ADMIN = "alerts-admin@e2e.test";
const SECRET = "e2e-alerts-webhook-secret-0123456789";
const MINUTE = 60_000;

/** A steady device whose client runs no backup in the next half hour: nothing but the test changes what its channels hear. */
function quietTarget(devices: SimulatedDevice[]): SimulatedDevice {
  const horizon = Date.now() + 30 * MINUTE;
  const later = (d: SimulatedDevice) => d.nextSessionAt === null || Date.parse(d.nextSessionAt) > horizon;
  const target = devices.find((d) => d.state === "ok" && d.steady && d.nextSessionAt !== null && devices.every((o) => o.clientId !== d.clientId || later(o)));
  if (!target) throw new Error("no device of the simulated fleet is steady with a client quiet for the next half hour");
  return target;
}

test("a failed backup in the simulator is exactly one message per channel, and a restarted dashboard sends none again", async () => {
  test.setTimeout(480_000);
  rmSync(DATA_DIR, { recursive: true, force: true });
  addUser(DATA_DIR, { email: ADMIN, role: "admin" }, E2E_PASSWORD);
  const { token } = issueTokenWithCli(DATA_DIR, ADMIN, "alerts e2e");
  const receivers = {
    webhook: await startWebhookReceiver({ secret: SECRET }),
    teams: await startTeamsReceiver(),
    slack: await startSlackReceiver(),
    email: await startSmtpReceiver(),
  };
  // Other devices of the client may change on their own meanwhile (a warning turning overdue): those messages are right, and not counted here.
  let watched: SimulatedDevice | null = null;
  const counts = () => ({
    webhook: receivers.webhook.messages.filter((m) => m.incidents.some((i) => i.deviceId === watched!.deviceId)).length,
    teams: receivers.teams.messages.filter((m) => m.text.includes(watched!.name)).length,
    slack: receivers.slack.messages.filter((m) => m.blockText.includes(watched!.name)).length,
    email: receivers.email.messages.filter((m) => m.text.includes(watched!.name)).length,
  });
  const noRepeats = () => {
    const told = receivers.webhook.messages.flatMap((m) => m.incidents.map((i) => `${m.event} ${i.id}`));
    expect(new Set(told).size, told.join(", ")).toBe(told.length);
  };
  const sim = await startOwnSimulator(E2E_SIMULATOR_ARGS);
  const simulator = simulatorAt(sim.control);
  const target = quietTarget(await simulator.devices({ limit: 1000 }));
  watched = target;
  const publicUrl = `http://127.0.0.1:${ALERTS_APP_PORT}`;
  const env = {
    ...e2eAppEnv(DATA_DIR),
    NSIGHT_SERVER: sim.url,
    ALERT_GROUP_SECONDS: "5",
    ALERT_UNREACHABLE_MINUTES: "1",
    SMTP_URL: receivers.email.url,
    ALERT_FROM: "alerts@e2e.test",
    PUBLIC_URL: publicUrl,
  };
  let app: OwnProcess | null = null;
  try {
    app = await startOwnApp(ALERTS_APP_PORT, env);
    const base = app.url;
    const authorization = { Authorization: `Bearer ${token}` };
    // Channels made once the whole fleet is read hear only of what changes from then on.
    await expect
      .poll(async () => ((await (await fetch(`${base}/api/fleet`, { headers: authorization })).json()) as { data: { knowledge: { kind: string } } }).data.knowledge.kind, {
        timeout: 150_000,
        intervals: [2_000],
      })
      .toBe("current");
    const clients = [target.clientId];
    const channels = [
      { type: "webhook", name: "E2E webhook", url: receivers.webhook.url, secret: SECRET, clients },
      { type: "teams", name: "E2E Teams", url: receivers.teams.url, clients },
      { type: "slack", name: "E2E Slack", url: receivers.slack.url, clients },
      { type: "email", name: "E2E mail", to: "ops@e2e.test", clients },
    ];
    for (const channel of channels) {
      const response = await fetch(`${base}/api/alert-channels`, {
        method: "POST",
        headers: { ...authorization, "Content-Type": "application/json" },
        body: JSON.stringify(channel),
      });
      expect(response.status, channel.type).toBe(201);
      expect(((await response.json()) as { data: { id: string } }).data.id).toBeTruthy();
    }

    // The device was read for the full picture; its backup fails now, and its next re-read (90 s on) must tell, once per channel.
    await simulator.injectSession({ deviceId: target.deviceId, plugin: target.plugins[0]!.plugin, status: "FAILED" });
    const injectedAt = new Date().toISOString();
    await expect
      .poll(() => Math.min(...Object.values(counts())), { timeout: 240_000, intervals: [1_000] })
      .toBe(1)
      .catch((error: unknown) => {
        const lines = app!.output().split("\n").filter((l) => l.includes(target.deviceId) || l.includes('"alerts.'));
        throw new Error(`${String(error)} (failure injected at ${injectedAt}); the dashboard said:\n${lines.slice(-20).join("\n")}`);
      });

    console.log(`alerts e2e: failure injected at ${injectedAt}, first message at ${new Date(Math.min(...receivers.webhook.requests.map((r) => r.at))).toISOString()}`);
    const message = receivers.webhook.messages.find((m) => m.incidents.some((i) => i.deviceId === target.deviceId));
    expect(message).toMatchObject({ event: "incident.opened", client: { id: target.clientId } });
    expect(message!.incidents.filter((i) => i.deviceId === target.deviceId).map((i) => [i.state, i.url])).toEqual([["failed", `${publicUrl}/devices/${target.deviceId}`]]);
    expect(receivers.webhook.rejected).toEqual([]);
    expect(receivers.email.messages.find((m) => m.text.includes(target.name))).toMatchObject({ from: "alerts@e2e.test", envelopeTo: ["ops@e2e.test"] });

    // A few more evaluation rounds and a grouping window: still one each.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(counts()).toEqual({ webhook: 1, teams: 1, slack: 1, email: 1 });

    await app.stop();
    const restartedAt = new Date().toISOString();
    app = await startOwnApp(ALERTS_APP_PORT, env);
    // After a restart the device counts for alerts once read again: wait for that read, then for the engine's next rounds.
    await expect
      .poll(async () => (await simulator.requestsSince(restartedAt, "list_mob_sessions")).some((r) => r.params.deviceid === target.deviceId && r.status === 200), {
        timeout: 150_000,
        intervals: [2_000],
      })
      .toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(counts()).toEqual({ webhook: 1, teams: 1, slack: 1, email: 1 });
    noRepeats();
    expect(app.output()).not.toMatch(/alerts\.(not_started|tick_failed)/);
  } finally {
    app?.child.kill("SIGKILL");
    await sim.stop();
    await Promise.all(Object.values(receivers).map((r) => r.close()));
  }
});
