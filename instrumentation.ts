// The fleet refresher starts at boot, so fleet health is read, or restored from disk, before anyone asks.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startFleetAtBoot } = await import("./lib/server/fleet-boot");
  startFleetAtBoot();
}
