import type { ApiFailure, ApiMeta, ApiSuccess } from "../types";

export class ApiClientError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = "ApiClientError";
  }
}

export async function fetchJson<T>(path: string, signal?: AbortSignal): Promise<ApiSuccess<T>> {
  let response: Response;
  try {
    response = await fetch(path, { signal, headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiClientError("The dashboard server could not be reached.", 0, "network");
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiClientError(`The dashboard server answered with HTTP ${response.status}.`, response.status, "bad_response");
  }
  if (!response.ok) {
    const failure = body as Partial<ApiFailure>;
    throw new ApiClientError(failure.error?.message ?? `HTTP ${response.status}`, response.status, failure.error?.code ?? "unknown");
  }
  return body as ApiSuccess<T>;
}

export type { ApiMeta };
