"use client";

import { useCallback, useSyncExternalStore } from "react";

/**
 * A ticking clock for relative ages ("12 s ago") in client components.
 *
 * Why not `useState(Date.now)`: the server renders "12 s ago", the browser hydrates a moment
 * later and computes "13 s ago", and React discards the server HTML with a hydration error
 * (#418). With `useSyncExternalStore` the server render and hydration both use `renderedAt`
 * (a time the server put in the page's props), then React re-renders with the browser's clock.
 *
 * One timer per interval, shared by every component that asks for it, so a NOC wall with
 * hundreds of tiles still ticks once.
 */
interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | null;
}

const tickers = new Map<number, Ticker>();

function tickerFor(intervalMs: number): Ticker {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    ticker = { now: Date.now(), listeners: new Set(), timer: null };
    tickers.set(intervalMs, ticker);
  }
  return ticker;
}

function subscribe(intervalMs: number, listener: () => void): () => void {
  const ticker = tickerFor(intervalMs);
  ticker.listeners.add(listener);
  if (ticker.timer === null) {
    // Catch up at once: the clock may have stood still while nobody listened.
    ticker.now = Date.now();
    ticker.timer = setInterval(() => {
      ticker.now = Date.now();
      for (const notify of ticker.listeners) notify();
    }, intervalMs);
  }
  return () => {
    ticker.listeners.delete(listener);
    if (ticker.listeners.size === 0 && ticker.timer !== null) {
      clearInterval(ticker.timer);
      ticker.timer = null;
    }
  };
}

/** Milliseconds since the epoch, moving every `intervalMs`; `renderedAt` on the server and during hydration. */
export function useNow(intervalMs: number, renderedAt: number): number {
  const subscribeTo = useCallback((listener: () => void) => subscribe(intervalMs, listener), [intervalMs]);
  return useSyncExternalStore(
    subscribeTo,
    () => tickerFor(intervalMs).now,
    () => renderedAt,
  );
}

const noSubscription = () => () => undefined;

/** The browser's time zone; null on the server and during hydration, whose zone may differ. */
export function useBrowserZone(): string | null {
  return useSyncExternalStore(noSubscription, () => Intl.DateTimeFormat().resolvedOptions().timeZone, () => null);
}
