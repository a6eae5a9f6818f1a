"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Re-reads the refresher's state in place, so it never calls N-sight. */
export function AutoRefresh({ seconds }: { seconds: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [router, seconds]);
  return null;
}
