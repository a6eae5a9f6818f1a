/** fetch, and read its answer, within timeoutMs: the caller gets a TimeoutError then, whatever fetch does. */
export async function fetchWithin<T>(url: string, timeoutMs: number, read: (response: Response) => Promise<T>, init: RequestInit = {}): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Node's fetch did not always give up on an aborted request (a load-test request to a 775 kB history was
  // still pending 100 s after its 1 s abort): the caller stops waiting at the time asked, whatever fetch does.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new DOMException("timed out", "TimeoutError");
      controller.abort(reason);
      reject(reason);
    }, timeoutMs);
  });
  const work = (async () => read(await fetch(url, { ...init, signal: controller.signal })))();
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
