import type { ListEntry, ObjectBody, ObjectStore } from './object-store.js';
import { TrailSource } from './trail-source.js';
import type { ScanScope, Source, UnitOrProblem } from './types.js';

/**
 * A trail walk that can say how much it listed, so a source that yields no log file is named with what was
 * looked at ("listed 3 prefixes") instead of ending silently empty. The count sits on the store seam, so
 * the walk itself stays unaware of it.
 */
export class ListedTrailSource implements Source {
  /** A trail layout: the evidence reader can open the account and region folders a chain names. */
  readonly readsByPlace = true;
  readonly label: string;
  private readonly counted: CountedStore;
  private readonly inner: TrailSource;

  /** `label` is the source as the user named it (a folder path); by default the store's own display. */
  constructor(store: ObjectStore, root: string, label?: string) {
    this.counted = new CountedStore(store);
    this.inner = new TrailSource(this.counted, root);
    this.label = label ?? this.inner.label;
  }

  units(scope: ScanScope, signal?: AbortSignal): AsyncIterable<UnitOrProblem> {
    return this.inner.units(scope, signal);
  }

  listingSummary(): string {
    const n = this.counted.listed;
    const what = this.counted.isLocal ? 'folder' : 'prefix';
    return `listed ${n} ${n === 1 ? what : what === 'prefix' ? 'prefixes' : 'folders'}`;
  }
}

/**
 * Every member of ObjectStore that CountedStore forwards. A member added to the interface fails to compile here
 * until it is forwarded: an optional one left out would be silently missing behind the wrapper.
 */
const FORWARDED: Record<keyof ObjectStore, true> = { label: true, rootPrefix: true, list: true, get: true, display: true, takeRepeats: true, localPath: true };
void FORWARDED;

class CountedStore implements ObjectStore {
  listed = 0;
  readonly isLocal: boolean;
  readonly localPath?: (key: string) => string;
  readonly takeRepeats?: () => Array<{ key: string; sameAs: string }>;

  constructor(private readonly inner: ObjectStore) {
    this.isLocal = typeof inner.localPath === 'function';
    if (inner.localPath) this.localPath = inner.localPath.bind(inner);
    if (inner.takeRepeats) this.takeRepeats = inner.takeRepeats.bind(inner);
  }

  get label(): string {
    return this.inner.label;
  }

  get rootPrefix(): string {
    return this.inner.rootPrefix;
  }

  list(prefix: string, opts?: { delimiter?: string; signal?: AbortSignal }): AsyncIterable<ListEntry> {
    this.listed++;
    return this.inner.list(prefix, opts);
  }

  get(key: string, signal?: AbortSignal): Promise<ObjectBody> {
    return this.inner.get(key, signal);
  }

  display(key: string): string {
    return this.inner.display(key);
  }
}
