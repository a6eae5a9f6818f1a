"use client";

import { useEffect, useRef } from "react";

/**
 * Counts one view of a share link once the page runs in a browser. Chat previews (Teams,
 * Slack) fetch the page without running scripts, so they are never counted and use nothing up.
 */
export function CountShareView({ base }: { base: string }) {
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    void fetch(`${base}/api/views`, { method: "POST", cache: "no-store" }).catch(() => undefined);
  }, [base]);
  return null;
}
