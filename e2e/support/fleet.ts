import { expect, type APIRequestContext } from "@playwright/test";

interface Snapshot {
  progress: { fullPictureAt: string | null; read: number; backupDevices: number };
  counts: Record<string, number>;
  /** The first page of problem devices, worst first; problemPage.total counts them all. */
  problems: { deviceId: string; state: string; clientId: string }[];
  problemPage: { page: number; pageSize: number; total: number; pages: number };
}

export async function fullPicture(request: APIRequestContext, base = ""): Promise<Snapshot> {
  let snapshot: Snapshot | undefined;
  await expect
    .poll(
      async () => {
        const response = await request.get(`${base}/api/fleet`);
        snapshot = (await response.json()).data as Snapshot;
        return snapshot.progress.fullPictureAt !== null;
      },
      { timeout: 120_000, intervals: [1_000] },
    )
    .toBe(true);
  return snapshot!;
}
