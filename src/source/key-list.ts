import type { ObjectStore } from './object-store.js';
import type { InputUnit, ScanScope, Source, UnitOrProblem } from './types.js';
import { fileNameTime, keyWindow, parseLogKey, regionFolders } from '../cloudtrail/layout.js';

const DAY_MS = 86_400_000;

/**
 * A scan over keys named up front (the objects an Athena query found candidates in) instead of a listing.
 * Units are named and ordered exactly as a trail walk of the same store names and orders them (by key), and
 * a key the walk would not reach is left out as the walk leaves it out: a delivery minute outside the scope's
 * delivery-lag window, or a log key in an account or region folder the scope does not open. The keys come
 * from a table's rows, so this also holds when the table answers for more than its SQL asked.
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
    const accounts = scope.accounts?.length ? new Set(scope.accounts) : undefined;
    const regions = regionFolders(scope.regions);
    for (const key of this.keys) {
      const t = fileNameTime(key.slice(key.lastIndexOf('/') + 1));
      // A file is delivered into the day folder of its name's minute: past the window's last day, no walk opens it.
      if (w && t && (t.getTime() < w.earliestFileTime || t.getTime() >= w.lastDay + DAY_MS)) continue;
      const place = parseLogKey(key);
      if (place && ((accounts && !accounts.has(place.account)) || (regions && !regions.has(place.region)))) continue;
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
