"use client";

import { useCallback, useSyncExternalStore } from "react";

/**
 * useSyncExternalStore, not useState(Date.now): server render and hydration both use `renderedAt`, else the ages
 * differ by a second and React throws hydration error #418. One timer per interval, however many tiles tick.
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
