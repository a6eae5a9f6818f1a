import "server-only";
import type { CacheHit } from "../cache/swr-cache";

/** Data with where-from-and-how-old, as every page and API answer carries it. */
export interface Fresh<T> {
  data: T;
  /** Epoch ms the (oldest part of the) data was read from N-sight. */
  fetchedAt: number;
  /** Served from the last good answer because N-sight failed or was slow. */
  stale: boolean;
}

export function fromHit<T>(hit: CacheHit<T>): Fresh<T> {
  return { data: hit.value, fetchedAt: hit.fetchedAt, stale: hit.stale };
}

/** Combines several cached parts: the result is as old as its oldest part. */
export function combine<A, B, R>(a: Fresh<A>, b: Fresh<B>, merge: (a: A, b: B) => R): Fresh<R> {
  return { data: merge(a.data, b.data), fetchedAt: Math.min(a.fetchedAt, b.fetchedAt), stale: a.stale || b.stale };
}
