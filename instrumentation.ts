/**
 * Runs once when the server starts: opens the store (and logs the first-admin link when
 * there is nobody to sign in), and starts the fleet refresher so fleet health (on / and the
 * NOC wall) is being read, or restored from disk, before anyone asks.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startFleetAtBoot } = await import("./lib/server/fleet-boot");
  startFleetAtBoot();
  const { startAuthAtBoot } = await import("./lib/server/auth-boot");
  await startAuthAtBoot();
}
