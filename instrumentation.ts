// At boot: open the store (logging the first-admin link when nobody can sign in) and start the
// fleet refresher, so fleet health is read, or restored from disk, before anyone asks.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startFleetAtBoot } = await import("./lib/server/fleet-boot");
  await startFleetAtBoot();
  const { startAuthAtBoot } = await import("./lib/server/auth-boot");
  await startAuthAtBoot();
}
