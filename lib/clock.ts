/**
 * The current time for server-rendered relative ages ("3 min ago"). One place, so a test or
 * a benchmark can reason about it, and so render functions stay free of direct clock calls.
 */
export function currentTime(): number {
  return Date.now();
}
