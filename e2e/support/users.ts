import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page } from "@playwright/test";
import { authState, type E2eRole } from "./env";

export function addUser(dataDir: string, user: { email: string; role: string; clients?: readonly string[] }, password: string): void {
  const args = ["--conditions=react-server", "scripts/users.ts", "add", user.email, "--role", user.role, "--password-stdin"];
  if (user.clients) args.push("--clients", user.clients.join(","));
  const result = spawnSync(join("node_modules", ".bin", "tsx"), args, { input: `${password}\n`, env: { ...process.env, DATA_DIR: dataDir }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`users add ${user.email}: ${result.stderr || result.stdout}`);
}

export async function signIn(page: Page, email: string, password: string, base = ""): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export function cookieHeader(role: E2eRole): string {
  const state = JSON.parse(readFileSync(authState(role), "utf8")) as { cookies: { name: string; value: string }[] };
  return state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** Issues an API token with `npm run users -- token` (the real CLI); the token is the last line it prints. */
export function issueTokenWithCli(dataDir: string, email: string, name: string, expiresDays?: number): { token: string; output: string } {
  const args = ["--conditions=react-server", "scripts/users.ts", "token", email, "--name", name];
  if (expiresDays !== undefined) args.push("--expires-days", String(expiresDays));
  const result = spawnSync(join("node_modules", ".bin", "tsx"), args, { env: { ...process.env, DATA_DIR: dataDir }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`users token ${email}: ${result.stderr || result.stdout}`);
  const lines = result.stdout.trimEnd().split("\n");
  return { token: lines.at(-1)!.trim(), output: result.stdout };
}
