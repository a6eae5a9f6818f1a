import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { E2E_DATA_DIR } from "./env";

export interface SeededIncident {
  deviceId: string;
  deviceName: string;
  clientId: string;
  clientName: string;
  plugin: string;
  state: string;
  reason: string;
  openedAt: number;
  resolvedAt?: number;
}

function seed(args: string[]): string {
  const result = spawnSync(join("node_modules", ".bin", "tsx"), ["--conditions=react-server", "e2e/support/seed-incident.ts", ...args], {
    env: { ...process.env, DATA_DIR: E2E_DATA_DIR },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`seed incident: ${result.stderr || result.stdout}`);
  return result.stdout.trim().split("\n").at(-1)!;
}

export const openIncident = (incident: SeededIncident): string => seed(["open", JSON.stringify(incident)]);
export const resolveIncident = (id: string): void => void seed(["resolve", id]);
