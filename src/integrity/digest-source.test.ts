import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListEntry, ObjectBody, ObjectStore } from '../source/object-store.js';
import { keptPerDay } from './digest-source.js';
import { Limiter } from './limit.js';
import { TrailView } from './view.js';

/** A bucket whose listings answer after a delay per day folder, and that counts the listings under way. */
class SlowListings implements ObjectStore {
  readonly label = 's3://bucket';
  readonly rootPrefix = '';
  inFlight = 0;
  mostInFlight = 0;
  constructor(
    private readonly keys: string[],
    private readonly delayMs: (prefix: string) => number,
  ) {}

  async *list(prefix: string): AsyncIterable<ListEntry> {
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs(prefix)));
      for (const key of this.keys.filter((k) => k.startsWith(prefix))) yield { object: { key, size: 1 } };
    } finally {
      this.inFlight--;
    }
  }

  get(): Promise<ObjectBody> {
    throw new Error('not read');
  }

  display(key: string): string {
    return `s3://bucket/${key}`;
  }
}

test('keptPerDay: days are listed at once within the request limit, and come back in day order', async () => {
  const days = ['2026/03/01/', '2026/03/02/', '2026/03/03/', '2026/03/04/', '2026/03/05/'];
  const keys = days.flatMap((d) => [`logs/${d}a.json.gz`, `logs/${d}b.json.gz`, `logs/${d}skip.txt`]);
  // The earliest day answers last: a result in listing-completion order would come out reversed.
  const store = new SlowListings(keys, (prefix) => 60 - 10 * days.findIndex((d) => prefix.endsWith(d)));
  const kept = await keptPerDay(new TrailView('bucket', store), 'logs/', days, new Limiter(3), (key) => (key.endsWith('.gz') ? key.slice(5) : undefined));
  assert.deepEqual(
    kept,
    days.flatMap((d) => [`${d}a.json.gz`, `${d}b.json.gz`]),
  );
  assert.equal(store.mostInFlight, 3, 'three listings at once: the limit, not one after another and not all five');
});
