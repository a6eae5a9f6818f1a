/** Long passes over the fleet hand the event loop back now and then, so a request or a timer waits one slice at most. */

export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** At most this many items between two turns, however fast the machine: a pass over a large fleet always yields. */
export const ITEMS_PER_TURN = 2_000;
/** And at most this long: a slice of slower items (a row written each) ends sooner. */
export const SLICE_MS = 8;

/** Counts items and answers a turn to await when the slice is full (null in between, so the common case allocates nothing). */
export class TurnCounter {
  private count = 0;
  private sliceStart = performance.now();

  constructor(private readonly perTurn = ITEMS_PER_TURN) {}

  tick(): Promise<void> | null {
    if (++this.count < this.perTurn && performance.now() - this.sliceStart < SLICE_MS) return null;
    this.count = 0;
    return nextTurn().then(() => {
      this.sliceStart = performance.now();
    });
  }
}
