"use client";

import { useEffect } from "react";

// A wall must never stop on an error page: it retries on its own every ten seconds.
export default function NocError({ retry }: { error: Error & { digest?: string }; retry: () => void }) {
  useEffect(() => {
    const timer = setInterval(retry, 10_000);
    return () => clearInterval(timer);
  }, [retry]);
  return (
    <main className="fixed inset-0 flex items-center justify-center bg-canvas p-8 text-ink" data-color-scheme="dark" style={{ fontSize: "clamp(16px, 1.4vw, 56px)" }}>
      <p role="alert" className="text-center text-[1.6em] font-bold text-status-warning">
        <span aria-hidden="true">⚠ </span>The wall display hit a problem and is trying again every 10 s.
      </p>
    </main>
  );
}
