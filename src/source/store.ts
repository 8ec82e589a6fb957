import { createReadStream, statSync, type Stats } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { UsageError } from '../errors.js';
import { parseS3Uri, type ListEntry, type ObjectBody, type ObjectStore } from './object-store.js';
import type { AwsOptions } from './aws.js';

function byteOrder(a: string, b: string): number {
  // S3 lists keys in UTF-8 byte order; compare the same way so local and S3 runs print the same order.
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export class LocalStore implements ObjectStore {
  readonly label: string;
  readonly rootPrefix = '';
  readonly root: string;
  private readonly displayRoot: string;
  private displayBase: string | undefined;

  /** `displayRoot` is the folder as the user named it (relative stays relative), for messages and results. */
  constructor(dir: string, displayRoot: string = dir) {
    this.root = resolve(dir);
    this.displayRoot = displayRoot;
    this.label = displayRoot;
  }

  display(key: string): string {
    // A file's key from walking this folder needs no normalising, only the root does (once): a join per
    // file was a visible share of listing a big trail. Prefixes and odd keys take the general way.
    if (sep !== '/' || key === '' || key.endsWith('/') || key.startsWith('/') || key.includes('//') || key.includes('./')) {
      return join(this.displayRoot, ...key.split('/'));
    }
    this.displayBase ??= join(this.displayRoot, '.');
    if (this.displayBase === '.') return key;
    return (this.displayBase.endsWith('/') ? this.displayBase : this.displayBase + '/') + key;
  }

  localPath(key: string): string {
    // Keys come from walking this folder (no `.`/`..` parts); a join would normalise each one again.
    return (this.root.endsWith(sep) ? this.root : this.root + sep) + (sep === '/' ? key : key.split('/').join(sep));
  }

  async *list(prefix: string, opts: { delimiter?: string; signal?: AbortSignal } = {}): AsyncIterable<ListEntry> {
    // Walk only the folder that can hold the prefix, then filter by the remaining partial name.
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash >= 0 ? prefix.slice(0, slash + 1) : '';
    const entries = await this.walk(dirKey, opts.delimiter === '/');
    const matching = entries.filter((e) => (('object' in e) ? e.object.key : e.commonPrefix).startsWith(prefix));
    matching.sort((a, b) => byteOrder('object' in a ? a.object.key : a.commonPrefix, 'object' in b ? b.object.key : b.commonPrefix));
    yield* matching;
  }

  /** Device and inode of the folders behind keys, as met (cached: a loop check stats each ancestor once). */
  private readonly inodes = new Map<string, string | undefined>();
  private readonly looped = new Set<string>();
  private repeats: Array<{ key: string; sameAs: string }> = [];

  /**
   * Folders not entered because they are one of their own ancestors, reached again through a symbolic link
   * (a link to `..`): each is reported once, and the walk ends instead of going round for ever.
   */
  takeRepeats(): Array<{ key: string; sameAs: string }> {
    const out = this.repeats;
    this.repeats = [];
    return out;
  }

  private inode(key: string): string | undefined {
    if (this.inodes.has(key)) return this.inodes.get(key);
    const st = statOrUndefined(join(this.root, ...key.split('/').filter(Boolean)));
    const id = st?.isDirectory() ? `${st.dev}:${st.ino}` : undefined;
    this.inodes.set(key, id);
    return id;
  }

  /** May the folder at `key` be entered? Not when it is the same folder as one on its own key path. */
  private enterable(key: string): boolean {
    const id = this.inode(key);
    if (id === undefined || key === '') return true;
    const parts = key.split('/').filter(Boolean);
    for (let n = 0; n < parts.length; n++) {
      const ancestor = n === 0 ? '' : parts.slice(0, n).join('/') + '/';
      if (this.inode(ancestor) !== id) continue;
      if (!this.looped.has(key)) {
        this.looped.add(key);
        this.repeats.push({ key, sameAs: ancestor });
      }
      return false;
    }
    return true;
  }

  private async walk(dirKey: string, shallow: boolean): Promise<ListEntry[]> {
    const out: ListEntry[] = [];
    const visit = async (key: string): Promise<void> => {
      const dir = join(this.root, ...key.split('/').filter(Boolean));
      if (!this.enterable(key)) return;
      let names: import('node:fs').Dirent[];
      try {
        names = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw err;
      }
      // A folder's files are stat'ed synchronously: a few microseconds each, where the promise API costs a
      // thread-pool round trip and garbage per file, on the thread that also hands work to the searchers.
      // (Entry order does not matter here: list() sorts.)
      for (const d of names) {
        const child = key + d.name;
        let isDir = d.isDirectory();
        if (!isDir && (d.isFile() || d.isSymbolicLink())) {
          const st = statOrUndefined(join(dir, d.name));
          if (st?.isFile()) out.push({ object: { key: child, size: st.size, lastModified: st.mtime } });
          isDir = st?.isDirectory() ?? false;
        }
        if (isDir) {
          if (shallow) out.push({ commonPrefix: child + '/' });
          else await visit(child + '/');
        }
      }
    };
    await visit(dirKey);
    return out;
  }

  async get(key: string): Promise<ObjectBody> {
    const path = join(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep) && path !== this.root) throw new UsageError(`${key}: outside ${this.root}`);
    const st = await stat(path);
    if (st.size <= WHOLE_READ_BYTES) {
      // Trail files are mostly small: one exact-size read beats a stream's 1 MiB chunk buffers (and their GC).
      return { body: (async function* () { yield await readFile(path); })(), metadata: {}, size: st.size };
    }
    return { body: createReadStream(path, { highWaterMark: 1 << 20 }), metadata: {}, size: st.size };
  }
}

const WHOLE_READ_BYTES = 8 * 1024 * 1024;

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    // A dangling link or a file removed meanwhile is not an input; the walk goes on.
    return undefined;
  }
}

/**
 * An S3 bucket as an ObjectStore. The SDK (half a second to load) is imported on the first request, so
 * runs that only touch local files never pay for it.
 */
export class LazyS3Store implements ObjectStore {
  readonly label: string;
  readonly rootPrefix: string;
  readonly bucket: string;
  private real: Promise<ObjectStore> | undefined;

  constructor(
    uri: string,
    private readonly client: () => Promise<S3Client>,
  ) {
    const { bucket, prefix } = parseS3Uri(uri);
    this.bucket = bucket;
    this.rootPrefix = prefix;
    this.label = `s3://${bucket}`;
  }

  private store(): Promise<ObjectStore> {
    this.real ??= Promise.all([import('./s3-store.js'), this.client()]).then(([m, c]) => new m.S3Store(this.bucket, c));
    return this.real;
  }

  display(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async *list(prefix: string, opts: { delimiter?: string; signal?: AbortSignal } = {}): AsyncIterable<ListEntry> {
    yield* (await this.store()).list(prefix, opts);
  }

  async get(key: string, signal?: AbortSignal): Promise<ObjectBody> {
    return (await this.store()).get(key, signal);
  }
}

/** One S3 client per set of options, created on first use and shared by every s3:// source of a run. */
export function lazyS3Client(aws: AwsOptions): () => Promise<S3Client> {
  let client: Promise<S3Client> | undefined;
  return () => (client ??= import('./aws-clients.js').then((m) => m.createS3Client(aws)));
}

export function openStore(uri: string, aws: AwsOptions, client?: () => Promise<S3Client>): ObjectStore {
  if (uri.startsWith('s3://')) return new LazyS3Store(uri, client ?? lazyS3Client(aws));
  return new LocalStore(uri);
}
