import type { ApiFailure } from "../types";

export type SendResult<T> = { ok: true; data: T | null } | { ok: false; status: number; message: string };

/** A state change from the browser (POST, DELETE) to the app's own API; the browser adds the Origin the server checks. */
export async function sendJson<T = unknown>(method: "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<SendResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    return { ok: false, status: 0, message: "The dashboard server could not be reached." };
  }
  if (response.status === 204) return { ok: true, data: null };
  const json = (await response.json().catch(() => null)) as { data?: T } & Partial<ApiFailure> | null;
  if (!response.ok) return { ok: false, status: response.status, message: json?.error?.message ?? `The server answered with HTTP ${response.status}.` };
  return { ok: true, data: json?.data ?? null };
}
