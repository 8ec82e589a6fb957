import type { ObjectStore } from './object-store.js';
import type { InputUnit, ScanScope, Source, UnitOrProblem } from './types.js';
import { fileNameTime, keyWindow } from '../cloudtrail/layout.js';

/**
 * A scan over keys named up front (the objects an Athena query found candidates in) instead of a listing.
 * Units are named and ordered exactly as a trail walk of the same store names and orders them (by key), and
 * a key whose delivery minute is before the scope's delivery-lag window is left out as the walk leaves it
 * out, so reading these keys gives what a scan of the whole trail gives for the events they hold.
 */
export class KeyListSource implements Source {
  private readonly keys: string[];

  constructor(
    private readonly store: ObjectStore,
    keys: Iterable<string>,
    readonly label: string,
  ) {
    this.keys = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  get size(): number {
    return this.keys.length;
  }

  async *units(scope: ScanScope): AsyncIterable<UnitOrProblem> {
    const w = keyWindow(scope.start, scope.end);
    for (const key of this.keys) {
      const t = fileNameTime(key.slice(key.lastIndexOf('/') + 1));
      if (w && t && t.getTime() < w.earliestFileTime) continue;
      yield { unit: this.unit(key) };
    }
  }

  private unit(key: string): InputUnit {
    const store = this.store;
    return {
      name: store.display(key),
      sortKey: key,
      open: (signal?: AbortSignal) => ({
        async *[Symbol.asyncIterator]() {
          const { body } = await store.get(key, signal);
          yield* body;
        },
      }),
    };
  }
}
