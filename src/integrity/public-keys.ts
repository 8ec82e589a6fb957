import { readFile } from 'node:fs/promises';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigError, describeError } from '../errors.js';
import { KeyRing, fingerprintOf, parsePublicKeysJson, type PublicKeyEntry } from './keys.js';
import type { Window } from './digest-source.js';
import { isoTime } from '../cloudtrail/time.js';

export interface KeySource {
  /** Keys for digests of one region over the window; ConfigError when there are none. */
  keys(region: string): Promise<KeyRing>;
  /** Keys around a backfill digest's generation time (backfill digests are signed long after their window). */
  backfillKeys(region: string, around: Date): Promise<KeyRing>;
  /** Every key fetched so far, by region (for the mirror's key cache). */
  fetched(): Map<string, PublicKeyEntry[]>;
}

const HOUR = 3_600_000;

/** Seconds, as CloudTrail and `aws cloudtrail validate-logs` print times. */
const fmt = (d: Date): string => isoTime(d, 's');

/** ListPublicKeys, once per region and window, paginated; the JS SDK hands Value over as DER bytes. */
export class ApiKeySource implements KeySource {
  private readonly rings = new Map<string, Promise<KeyRing>>();
  private readonly byRegion = new Map<string, PublicKeyEntry[]>();

  constructor(
    private readonly window: Window,
    /** Async so that the SDK (half a second to load) loads only when keys are really listed. */
    private readonly client: (region: string) => Promise<CloudTrailClient>,
  ) {}

  private async list(region: string, start: Date, end: Date): Promise<PublicKeyEntry[]> {
    const { ListPublicKeysCommand } = await import('@aws-sdk/client-cloudtrail');
    const out: PublicKeyEntry[] = [];
    let NextToken: string | undefined;
    do {
      let page;
      try {
        page = await (await this.client(region)).send(new ListPublicKeysCommand({ StartTime: start, EndTime: end, NextToken }));
      } catch (err) {
        throw new ConfigError(`ListPublicKeys in ${region}: ${describeError(err)}`);
      }
      for (const k of page.PublicKeyList ?? []) {
        if (!k.Value) continue;
        const der = k.Value;
        out.push({
          fingerprint: (k.Fingerprint ?? fingerprintOf(der)).toLowerCase(),
          der,
          ...(k.ValidityStartTime ? { validityStart: k.ValidityStartTime } : {}),
          ...(k.ValidityEndTime ? { validityEnd: k.ValidityEndTime } : {}),
        });
      }
      NextToken = page.NextToken;
    } while (NextToken);
    const seen = this.byRegion.get(region) ?? [];
    for (const k of out) if (!seen.some((s) => s.fingerprint === k.fingerprint)) seen.push(k);
    this.byRegion.set(region, seen);
    return out;
  }

  keys(region: string): Promise<KeyRing> {
    let p = this.rings.get(region);
    if (!p) {
      // +2 h like current aws-cli: a digest signed just after a rotation near the window end still finds its key.
      const end = new Date(this.window.end.getTime() + 2 * HOUR);
      p = this.list(region, this.window.start, end).then((entries) => {
        if (!entries.length) throw new ConfigError(`No public keys found between ${fmt(this.window.start)} and ${fmt(end)} in ${region}`);
        const ring = new KeyRing();
        ring.add(entries);
        return ring;
      });
      this.rings.set(region, p);
    }
    return p;
  }

  async backfillKeys(region: string, around: Date): Promise<KeyRing> {
    const ring = await this.keys(region).catch(() => new KeyRing());
    const extra = await this.list(region, new Date(around.getTime() - HOUR), new Date(around.getTime() + HOUR));
    ring.add(extra);
    return ring;
  }

  fetched(): Map<string, PublicKeyEntry[]> {
    return this.byRegion;
  }
}

/** Keys read from files (`--public-keys`, a mirror's cache): fingerprints are unique, so one pool serves all regions. */
export class StaticKeySource implements KeySource {
  private readonly ring = new KeyRing();
  constructor(
    entries: PublicKeyEntry[],
    private readonly describe: string,
  ) {
    this.ring.add(entries);
  }

  static async fromFiles(paths: string[]): Promise<StaticKeySource> {
    const entries: PublicKeyEntry[] = [];
    for (const path of paths) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        throw new ConfigError(`${path}: ${describeError(err)}`);
      }
      try {
        entries.push(...parsePublicKeysJson(text));
      } catch (err) {
        throw new ConfigError(`${path}: not the JSON of aws cloudtrail list-public-keys (${describeError(err)})`);
      }
    }
    return new StaticKeySource(entries, paths.join(', '));
  }

  async keys(): Promise<KeyRing> {
    if (!this.ring.size) throw new ConfigError(`No public keys found in ${this.describe}`);
    return this.ring;
  }

  async backfillKeys(): Promise<KeyRing> {
    return this.ring;
  }

  fetched(): Map<string, PublicKeyEntry[]> {
    return new Map([['*', this.ring.entries()]]);
  }
}
