// Recognisable on purpose: the secret-leak tests search every page, payload and file for it.
export const E2E_API_KEY = "e2e0secret0key0a8f3c9d1b7e6f5a4c3b2";
export const SIM_PORT = Number(process.env.E2E_SIM_PORT ?? 4310);
export const SIM_CONTROL_PORT = Number(process.env.E2E_SIM_CONTROL_PORT ?? 4311);
export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3310);
export const SIM_URL = `http://127.0.0.1:${SIM_PORT}`;
export const SIM_CONTROL_URL = `http://127.0.0.1:${SIM_CONTROL_PORT}`;
export const APP_URL = `http://127.0.0.1:${APP_PORT}`;
export const E2E_DEVICES = 54;
/** A small fleet, read whole in about a minute; a Retry-After short enough for the seeded 429 device. */
export const E2E_SIMULATOR_ARGS = ["--key", E2E_API_KEY, "--devices", String(E2E_DEVICES), "--retry-after-seconds", "2"];
export const E2E_DATA_DIR = ".cache/e2e-data";

export const E2E_PASSWORD = "e2e-password-0123456789";
export const E2E_VIEWER_CLIENT = "100001";
export const E2E_USERS = {
  admin: { email: "admin@e2e.test", role: "admin" },
  technician: { email: "technician@e2e.test", role: "technician" },
  viewer: { email: "viewer@e2e.test", role: "viewer", clients: [E2E_VIEWER_CLIENT] },
} as const;
export type E2eRole = keyof typeof E2E_USERS;

export function authState(role: E2eRole): string {
  return `.cache/e2e-auth/${role}.json`;
}

export const SIGNED_OUT = { cookies: [], origins: [] };

export const AUTH_APP_PORT = Number(process.env.E2E_AUTH_PORT ?? APP_PORT + 5);
/** The alerts spec's own dashboard (it restarts it). */
export const ALERTS_APP_PORT = Number(process.env.E2E_ALERTS_PORT ?? APP_PORT + 9);

// The e2e server runs as in production (sign-in required); a test's own app may run in open demo mode.
export function e2eAppEnv(dataDir: string, options: { demo?: boolean } = {}): Record<string, string> {
  return {
    NSIGHT_SERVER: SIM_URL,
    NSIGHT_API_KEY: E2E_API_KEY,
    NSIGHT_DEMO: options.demo ? "1" : "0",
    // The seeded "stall" device must not hold a test for the 30 s production timeout.
    NSIGHT_TIMEOUT_SECONDS: "6",
    // A few accounts stand for many people: the whole budget is theirs (fair shares: lib/data/fair-shares.test.ts).
    NSIGHT_CALLS_PER_PRINCIPAL: "60",
    // Every browser of the suite pairs from 127.0.0.1.
    DISPLAY_PAIRING_CODES_PER_ADDRESS: "1000",
    // Re-read every device as often as N-able allows, so outages show within seconds.
    FLEET_MIN_REREAD_SECONDS: "90",
    NSIGHT_SESSIONS_TTL_SECONDS: "90",
    FLEET_REREAD_SECONDS: "90",
    DATA_DIR: dataDir,
    NEXT_TELEMETRY_DISABLED: "1",
  };
}
