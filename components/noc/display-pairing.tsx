"use client";

import { useEffect, useState } from "react";

/** How often a waiting wall asks whether its code was entered. */
const POLL_MS = 3_000;

type Pairing = { state: "asking" } | { state: "showing"; code: string } | { state: "refused"; message: string };

async function postJson(path: string): Promise<{ status: number; body: { data?: Record<string, string>; error?: { message?: string } } }> {
  const response = await fetch(path, { method: "POST", headers: { Accept: "application/json" }, cache: "no-store" });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

/**
 * A wall with no credential: shows a pairing code for an administrator to enter, and polls
 * until it is paired; the page then reloads as the display. A new code replaces an expired one.
 */
export function DisplayPairing({ notice }: { notice?: "revoked" | "expired" | null }) {
  const [pairing, setPairing] = useState<Pairing>({ state: "asking" });
  const [round, setRound] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const retryLater = (message: string) => {
      if (stopped) return;
      setPairing({ state: "refused", message });
      timer = setTimeout(() => setRound((r) => r + 1), 60_000);
    };
    const poll = async () => {
      if (stopped) return;
      try {
        const { body } = await postJson("/api/displays/pairing/claim");
        if (stopped) return;
        const status = body.data?.status;
        if (status === "paired") return window.location.reload();
        if (status === "expired") return setRound((r) => r + 1);
      } catch {
        // The server is briefly unreachable: ask again at the next turn.
      }
      timer = setTimeout(poll, POLL_MS);
    };
    (async () => {
      try {
        const { status, body } = await postJson("/api/displays/pairing");
        if (stopped) return;
        const code = body.data?.code;
        if (status !== 201 || !code) return retryLater(body.error?.message ?? "No pairing code could be made; trying again in a minute.");
        setPairing({ state: "showing", code });
        timer = setTimeout(poll, POLL_MS);
      } catch {
        retryLater("The dashboard server could not be reached; trying again in a minute.");
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [round]);

  return (
    <div className="flex h-full flex-col items-center justify-center gap-[1em] p-[2em] text-center" data-display-pairing>
      {notice === "revoked" && (
        <p role="alert" className="text-[2em] font-bold text-status-failed" data-testid="display-revoked">
          This display was revoked
        </p>
      )}
      {notice === "expired" && (
        <p role="alert" className="text-[2em] font-bold text-status-failed" data-testid="display-revoked">
          This display&apos;s credential has expired
        </p>
      )}
      <h1 className="text-[1.6em] font-semibold">Pair this screen as a NOC display</h1>
      {pairing.state === "showing" ? (
        <>
          <p
            className="font-mono text-[5em] font-bold tracking-[0.2em]"
            data-pairing-code={pairing.code}
            aria-label={`Pairing code ${pairing.code.split("").join(" ")}`}
          >
            {pairing.code}
          </p>
          <p className="max-w-[40em] text-[1.2em]">
            An administrator enters this code in <strong>/admin/displays</strong> and chooses the clients this screen shows. It then starts showing them within a
            few seconds.
          </p>
          <p className="text-muted">The code is valid for 15 minutes; a new one then replaces it.</p>
        </>
      ) : pairing.state === "refused" ? (
        <p role="status" className="text-[1.2em]">
          {pairing.message}
        </p>
      ) : (
        <p role="status" className="text-muted">
          Asking for a pairing code…
        </p>
      )}
    </div>
  );
}
