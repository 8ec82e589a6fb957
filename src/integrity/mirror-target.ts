import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseDigestKey, parseLogKey } from '../cloudtrail/layout.js';
import { MIRROR_FILES } from '../source/mirror-files.js';
import type { ProblemKind } from './problems.js';

/**
 * Where a mirror puts an object, and the only code that creates files below the mirror root. Keys and
 * digest-named objects come from a bucket an attacker may have shaped, so a path is derived from the parsed
 * trail layout (never by joining a key on), every folder on the way is checked not to be a symbolic link,
 * and files are written under a temporary name and renamed into place once their bytes are checked.
 */

export type Refusal = { kind: Extract<ProblemKind, 'hostile-key' | 'name-too-long' | 'case-collision' | 'target-occupied'>; detail: string };

/** Path segments below the mirror root, or why the key cannot have one. */
export type Target = { ok: true; segments: string[] } | ({ ok: false } & Refusal);

/** Characters CloudTrail itself puts in the key part below the trail's prefix (account, region, date, trail name). */
const SEGMENT = /^[A-Za-z0-9._-]+$/;
/** NAME_MAX of the common filesystems (ext4, APFS, NTFS count 255 bytes or units). */
const NAME_MAX = 255;
/** Temporary files carry this prefix: a partial copy never has a final name, and a later run sweeps them. */
export const PARTIAL_PREFIX = MIRROR_FILES.partialPrefix;

/**
 * The mirror path of `key` for a mirror of keys under `keyRoot`: only keys of the trail layout (digest or log
 * file, as `kind` says) whose parsed prefix is the mirror's own, with plain segments. The layout's patterns
 * allow any characters in a prefix or trail name, so each segment is checked as well.
 */
export function targetFor(key: string, keyRoot: string, kind: 'digest' | 'log'): Target {
  if (!key.startsWith(keyRoot)) return { ok: false, kind: 'hostile-key', detail: `lies outside the mirrored prefix "${keyRoot}"` };
  const segments = key.slice(keyRoot.length).split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..' || !SEGMENT.test(s)) {
      return { ok: false, kind: 'hostile-key', detail: 'has a path segment that is empty, "." or "..", or holds characters CloudTrail never writes; refused' };
    }
  }
  const info = kind === 'digest' ? parseDigestKey(key) : parseLogKey(key);
  // AWSLogs/[o-org/]account/CloudTrail(-Digest)/region/YYYY/MM/DD/file: the file name itself has no "/".
  const depth = info && 'orgId' in info && info.orgId ? 9 : 8;
  if (!info || info.prefix !== keyRoot || segments.length !== depth) {
    return { ok: false, kind: 'hostile-key', detail: `does not fit the CloudTrail ${kind === 'digest' ? 'digest' : 'log file'} key layout; refused` };
  }
  const long = segments.find((s) => Buffer.byteLength(s) > NAME_MAX);
  if (long !== undefined) return { ok: false, kind: 'name-too-long', detail: `a path segment is ${Buffer.byteLength(long)} bytes long, more than a file name may be (${NAME_MAX})` };
  return { ok: true, segments };
}

/** What lies at a final path: nothing, a regular file (with its size), or something ctrail must not touch. */
export type Occupant = { type: 'none' } | { type: 'file'; size: number } | { type: 'other'; what: string };

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Local write failures that end the whole run: the next object would fail the same way. */
const FATAL_LOCAL = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE']);

export class LocalWriteError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LocalWriteError';
  }
}

function errCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The words for a local error, whichever way classifyLocal takes it. */
export function localMessage(err: unknown, path: string): string {
  try {
    return classifyLocal(err, path).detail;
  } catch (fatal) {
    return fatal instanceof Error ? fatal.message : String(fatal);
  }
}

/** Turns a failed local write into a run-ending LocalWriteError, a per-object refusal, or rethrows it. */
export function classifyLocal(err: unknown, path: string): Refusal {
  const code = errCode(err);
  if (code === 'ENAMETOOLONG') return { kind: 'name-too-long', detail: 'the file system refused the name as too long (ENAMETOOLONG)' };
  if (code === 'ELOOP' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') {
    return { kind: 'target-occupied', detail: `something in the mirror folder is in the way (${code}); not followed or overwritten` };
  }
  if (code && FATAL_LOCAL.has(code)) throw new LocalWriteError(path, code, (err as Error).message);
  throw err;
}

/** The files of one mirror root. Folders are checked once per run; collisions are tracked across the run. */
export class MirrorTarget {
  private readonly dirs = new Map<string, Promise<Refusal | undefined>>();
  private readonly byFolded = new Map<string, string>();

  constructor(
    readonly root: string,
    /** True when the file system folds case (macOS, Windows defaults): two keys differing in case are one file. */
    readonly caseInsensitive: boolean,
  ) {}

  /** Probes the root's file system for case folding, with a file of our own. */
  static async open(root: string, caseInsensitive?: boolean): Promise<MirrorTarget> {
    await mkdir(root, { recursive: true });
    if (caseInsensitive !== undefined) return new MirrorTarget(root, caseInsensitive);
    const probe = join(root, `${PARTIAL_PREFIX}case-${randomBytes(4).toString('hex')}`);
    const fh = await open(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
    await fh.close();
    try {
      const folded = await lstat(join(root, probe.slice(root.length).toUpperCase())).then(() => true, () => false);
      return new MirrorTarget(root, folded);
    } finally {
      await unlink(probe).catch(() => undefined);
    }
  }

  path(segments: string[]): string {
    return join(this.root, ...segments);
  }

  /**
   * Claims a path for one key for this run. Two keys differing only in case name one file on a case-folding
   * file system: the second is refused there. Elsewhere both are written.
   */
  claim(key: string, segments: string[]): Refusal | undefined {
    const folded = segments.join('/').toLowerCase();
    const other = this.byFolded.get(folded);
    if (other === undefined) {
      this.byFolded.set(folded, key);
      return undefined;
    }
    if (other === key || !this.caseInsensitive) return undefined;
    return { kind: 'case-collision', detail: `differs only in case from ${other}; this file system folds case, so both cannot be kept` };
  }

  /** Creates the folders of `segments` (all but the last), refusing any that is a symbolic link or not a folder. */
  folders(segments: string[]): Promise<Refusal | undefined> {
    let chain: Promise<Refusal | undefined> = Promise.resolve(undefined);
    for (let i = 1; i < segments.length; i++) {
      const rel = segments.slice(0, i).join('/');
      let p = this.dirs.get(rel);
      if (!p) {
        const parent = chain;
        p = parent.then((refused) => refused ?? this.folder(segments.slice(0, i)));
        this.dirs.set(rel, p);
      }
      chain = p;
    }
    return chain;
  }

  private async folder(segments: string[]): Promise<Refusal | undefined> {
    const path = this.path(segments);
    try {
      await mkdir(path);
    } catch (err) {
      if (errCode(err) !== 'EEXIST') return classifyLocal(err, path);
    }
    const st = await lstat(path);
    if (st.isSymbolicLink()) return { kind: 'target-occupied', detail: `${segments.join('/')} in the mirror folder is a symbolic link; not followed` };
    if (!st.isDirectory()) return { kind: 'target-occupied', detail: `${segments.join('/')} in the mirror folder is not a folder` };
    await this.sweep(path);
    return undefined;
  }

  /** Removes partial files an interrupted run left in a folder (only regular files of ours). */
  private async sweep(dir: string): Promise<void> {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.startsWith(PARTIAL_PREFIX)) continue;
      const p = join(dir, name);
      if ((await lstat(p).catch(() => undefined))?.isFile()) await unlink(p).catch(() => undefined);
    }
  }

  async occupant(path: string): Promise<Occupant> {
    try {
      const st = await lstat(path);
      if (st.isFile()) return { type: 'file', size: st.size };
      return { type: 'other', what: st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'a folder' : 'not a regular file' };
    } catch (err) {
      if (errCode(err) === 'ENOENT') return { type: 'none' };
      classifyLocal(err, path);
      return { type: 'other', what: 'unreadable' };
    }
  }

  /** A new temporary file beside `finalPath`, opened without following links and failing if anything is there. */
  async partial(dir: string): Promise<{ path: string; handle: FileHandle }> {
    const path = join(dir, `${PARTIAL_PREFIX}${randomBytes(6).toString('hex')}`);
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o644);
    return { path, handle };
  }

  /** Gives a checked temporary file its final name; `rename` replaces a link itself, never what it points to. */
  async commit(partialPath: string, finalPath: string): Promise<void> {
    await rename(partialPath, finalPath);
  }

  /** A small ctrail file (sidecar, key list, manifest) written whole under a temporary name, then renamed. */
  async writeWhole(path: string, text: string): Promise<Refusal | undefined> {
    const occ = await this.occupant(path);
    if (occ.type === 'other') return { kind: 'target-occupied', detail: `${path} is ${occ.what}; not followed or overwritten` };
    let partial: string | undefined;
    try {
      const p = await this.partial(dirname(path));
      partial = p.path;
      try {
        await p.handle.writeFile(text);
        await p.handle.datasync();
      } finally {
        await p.handle.close();
      }
      await this.commit(partial, path);
      partial = undefined;
      return undefined;
    } catch (err) {
      return classifyLocal(err, path);
    } finally {
      if (partial) await unlink(partial).catch(() => undefined);
    }
  }
}
