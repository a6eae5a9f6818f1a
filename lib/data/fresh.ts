import "server-only";
import type { CacheHit } from "../cache/swr-cache";

export interface Fresh<T> {
  data: T;
  fetchedAt: number;
  stale: boolean;
}

export function fromHit<T>(hit: CacheHit<T>): Fresh<T> {
  return { data: hit.value, fetchedAt: hit.fetchedAt, stale: hit.stale };
}

/** The result is as old as its oldest part. */
export function combine<A, B, R>(a: Fresh<A>, b: Fresh<B>, merge: (a: A, b: B) => R): Fresh<R> {
  return { data: merge(a.data, b.data), fetchedAt: Math.min(a.fetchedAt, b.fetchedAt), stale: a.stale || b.stale };
}
