/** Whole periods of UTC time for the analytics. */

export function floorTo(ms: number, stepMs: number): number {
  return Math.floor(ms / stepMs) * stepMs;
}

export type EventStream<T> = AsyncIterable<T> | Iterable<T>;
