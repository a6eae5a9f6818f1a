export function currentTime(): number {
  return Date.now();
}
