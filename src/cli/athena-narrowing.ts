import { parseS3Uri } from '../source/object-store.js';
import { LazyS3Store, lazyS3Client } from '../source/store.js';
import { KeyListSource } from '../source/key-list.js';
import type { Source } from '../source/types.js';
import type { Pass } from '../athena/passes.js';
import { awsOptionsFrom, type RawScanOptions } from './options.js';
import type { CliIO } from './io.js';

/*
 * The objects Athena's candidate rows name, and the passes that gather them. Each row's `path` is data from
 * the table: an object outside the sources given, or a key with `.` or `..` segments, is never read.
 */

/** One Athena query: each row (path, eventid, then the pass's own columns) goes to `onRow` as it arrives. */
export type QueryRunner = (sql: string, onRow: (row: string[]) => void) => Promise<unknown>;

/** A key inside a source's prefix: `s3://b/logs` holds `logs/…` (as a folder named without its slash), not `logs2/…`. */
function under(key: string, prefix: string): boolean {
  if (prefix === '' || prefix.endsWith('/')) return key.startsWith(prefix);
  return key === prefix || key.startsWith(`${prefix}/`);
}

/** The objects the rows of several passes named, kept per source (an object outside every source is ignored). */
export class CandidateObjects {
  private readonly perSource: Array<{ store: LazyS3Store; label: string; keys: Set<string> }>;
  outside = 0;

  constructor(sourceArgs: readonly string[], stores: (arg: string) => LazyS3Store) {
    this.perSource = sourceArgs.map((arg) => ({ store: stores(arg), label: arg, keys: new Set<string>() }));
  }

  /** Adds one row's `"$path"` to every source whose bucket and prefix hold it; false when none does. */
  add(path: string): boolean {
    let bucket: string;
    let key: string;
    try {
      ({ bucket, prefix: key } = parseS3Uri(path));
    } catch {
      this.outside++;
      return false;
    }
    let held = false;
    for (const s of this.perSource) {
      if (s.store.bucket !== bucket || !under(key, s.store.rootPrefix) || key.split('/').some((seg) => seg === '..' || seg === '.')) continue;
      s.keys.add(key);
      held = true;
    }
    if (!held) this.outside++;
    return held;
  }

  /** Forgets the objects gathered so far (a command's next scan needs only its own pass). */
  clear(): void {
    for (const s of this.perSource) s.keys.clear();
    this.outside = 0;
  }

  get count(): number {
    return this.perSource.reduce((n, s) => n + s.keys.size, 0);
  }

  /** A key list per source that holds candidates (a source without any has nothing to read, and is not "empty"). */
  sources(): Source[] {
    return this.perSource.filter((s) => s.keys.size > 0).map((s) => new KeyListSource(s.store, s.keys, s.label));
  }
}

/**
 * Runs passes on Athena for one command run and gathers the objects they name. `onRow` sees each row
 * (path, eventid, then the pass's own columns) as it streams in; nothing but the object keys is kept.
 */
export class AthenaNarrowing {
  readonly objects: CandidateObjects;

  constructor(
    private readonly io: CliIO,
    private readonly run: QueryRunner,
    sourceArgs: readonly string[],
    raw: RawScanOptions,
  ) {
    const client = lazyS3Client(awsOptionsFrom(raw));
    this.objects = new CandidateObjects(sourceArgs, (arg) => new LazyS3Store(arg, client));
  }

  async pass(p: Pass, onRow?: (row: string[]) => void): Promise<void> {
    await this.run(`-- ctrail: ${p.label}\n${p.sql}`, (row) => {
      if (row[0] !== undefined) this.objects.add(row[0]);
      onRow?.(row);
    });
  }

  /** The sources of the second, exact reading: one key list per trail source. */
  sources(): Source[] {
    if (this.objects.outside > 0) {
      this.io.stderr.write(`ctrail: athena: ${this.objects.outside} candidate row${this.objects.outside === 1 ? '' : 's'} named objects outside the sources given; not read\n`);
    }
    if (this.objects.count === 0) this.io.stderr.write('ctrail: athena: no candidate events in the table; nothing to read\n');
    return this.objects.sources();
  }
}
