/**
 * Runs producers concurrently but delivers their items strictly in producer order, so the output of a
 * scan is the same bytes whatever the concurrency. A producer ahead of the head buffers at most
 * `highWater` items and then waits, which keeps memory flat when the consumer (stdout) is slow.
 */
interface Lane<T> {
  items: T[];
  done: boolean;
  error?: unknown;
  /** Resolves the producer's wait for room. */
  room?: () => void;
  /** Resolves the consumer's wait for data. */
  data?: () => void;
}

export interface MergeLimits<T> {
  /** Items a lane ahead of the head holds before it waits. */
  highWater?: number;
  /**
   * With `weigh`, no new producer starts while the items waiting in lanes weigh `maxBuffered` or more: a
   * slow consumer (or a slow head) then holds memory near that bound whatever the concurrency.
   */
  weigh?: (item: T) => number;
  maxBuffered?: number;
}

export async function* orderedMerge<T>(
  producers: AsyncIterable<() => AsyncIterable<T>>,
  concurrency: number,
  limits: MergeLimits<T> = {},
): AsyncGenerator<T> {
  const highWater = limits.highWater ?? 1024;
  const weigh = limits.weigh;
  const maxBuffered = limits.maxBuffered ?? Infinity;
  let buffered = 0;
  const lanes: Lane<T>[] = [];
  let head = 0;
  let listingDone = false;
  let listingError: unknown;
  let wakeConsumer: (() => void) | undefined;
  let wakeLister: (() => void) | undefined;
  let stopped = false;

  let running = 0;
  // Finished lanes wait for the head in memory; without a bound, one slow input at the head would let every
  // later input be searched and held. Twice the concurrency keeps the workers busy past a slow head.
  // Running producers will add about what finished ones did on average: with heavy items (a broad scan's
  // hits) that, not the count, is what must stay under the bound.
  let finishedLanes = 0;
  let finishedWeight = 0;
  const expected = () => (finishedLanes ? (running * finishedWeight) / finishedLanes : 0);
  const mayStartLane = () => running < concurrency && lanes.length - head < 2 * concurrency && buffered + expected() < maxBuffered;

  const runLane = async (lane: Lane<T>, make: () => AsyncIterable<T>) => {
    let weight = 0;
    try {
      for await (const item of make()) {
        if (stopped) break;
        if (weigh) {
          const w = weigh(item);
          buffered += w;
          weight += w;
        }
        lane.items.push(item);
        lane.data?.();
        lane.data = undefined;
        while (lane.items.length >= highWater && !stopped && lanes[head] !== lane) {
          await new Promise<void>((r) => (lane.room = r));
        }
      }
    } catch (err) {
      lane.error = err;
    }
    lane.done = true;
    running--;
    finishedLanes++;
    finishedWeight += weight;
    lane.data?.();
    lane.data = undefined;
    wakeConsumer?.();
    wakeLister?.();
  };

  const lister = (async () => {
    try {
      for await (const make of producers) {
        if (stopped) break;
        while (!mayStartLane() && !stopped) await new Promise<void>((r) => (wakeLister = r));
        if (stopped) break;
        const lane: Lane<T> = { items: [], done: false };
        lanes.push(lane);
        running++;
        void runLane(lane, make);
        wakeConsumer?.();
      }
    } catch (err) {
      listingError = err;
    }
    listingDone = true;
    wakeConsumer?.();
  })();

  try {
    for (;;) {
      const lane = lanes[head];
      if (!lane) {
        if (listingDone) break;
        await new Promise<void>((r) => (wakeConsumer = r));
        continue;
      }
      if (lane.items.length) {
        const batch = lane.items;
        lane.items = [];
        lane.room?.();
        lane.room = undefined;
        if (weigh) {
          for (const item of batch) buffered -= weigh(item);
          if (buffered < maxBuffered) wakeLister?.();
        }
        for (const item of batch) yield item;
        continue;
      }
      if (lane.done) {
        lanes[head] = undefined as unknown as Lane<T>; // release the lane's memory
        head++;
        const next = lanes[head];
        next?.room?.();
        wakeLister?.();
        if (lane.error !== undefined) throw lane.error;
        continue;
      }
      await new Promise<void>((r) => (lane.data = r));
    }
    if (listingError !== undefined) throw listingError;
  } finally {
    stopped = true;
    for (const l of lanes) l?.room?.();
    wakeLister?.();
    await lister.catch(() => undefined);
  }
}
