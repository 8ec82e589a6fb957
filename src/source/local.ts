import { createReadStream, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import type { InputUnit, ScanScope, Source, UnitOrProblem } from './types.js';
import { LocalStore } from './store.js';
import { TrailSource } from './trail-source.js';

export function fileUnit(path: string, size?: number): InputUnit {
  const unit: InputUnit = {
    name: path,
    sortKey: path,
    localPath: path,
    open: () => createReadStream(path, { highWaterMark: 1 << 20 }),
  };
  return size === undefined ? unit : { ...unit, size };
}

export class FileSource implements Source {
  readonly label: string;
  constructor(private readonly path: string) {
    this.label = path;
  }
  async *units(): AsyncIterable<UnitOrProblem> {
    let size: number | undefined;
    try {
      size = statSync(this.path).size;
    } catch {
      // Named pipes and the like: read without a size; open() reports real errors.
    }
    yield { unit: fileUnit(this.path, size) };
  }
}

export class StdinSource implements Source {
  readonly label = '-';
  async *units(): AsyncIterable<UnitOrProblem> {
    yield { unit: { name: '(stdin)', sortKey: '', open: () => process.stdin } };
  }
}

export class GlobSource implements Source {
  constructor(readonly label: string) {}
  async *units(): AsyncIterable<UnitOrProblem> {
    const files = await glob(this.label, { absolute: false, onlyFiles: true, dot: true, expandDirectories: false });
    if (files.length === 0) {
      yield { problem: { source: this.label, problem: 'no files match this pattern' } };
      return;
    }
    files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const f of files) yield { unit: fileUnit(f, statSync(f).size) };
  }
}

/**
 * A local folder walks like a bucket. When the folder is inside a trail layout (`…/AWSLogs/…`), the store is
 * rooted above `AWSLogs` so the layout pruning applies from where the user pointed.
 */
export function folderSource(dir: string): Source {
  const abs = resolve(dir);
  const marker = `${sep}AWSLogs${sep}`;
  const idx = (abs + sep).lastIndexOf(marker);
  if (idx >= 0) {
    const base = abs.slice(0, idx) || sep;
    const rest = (abs + sep).slice(idx + 1).split(sep).join('/');
    const shownBase = isAbsolute(dir) ? base : relative(process.cwd(), base) || '.';
    return new DisplayedTrailSource(new TrailSource(new LocalStore(base, shownBase), rest), dir);
  }
  return new DisplayedTrailSource(new TrailSource(new LocalStore(abs, dir), ''), dir);
}

class DisplayedTrailSource implements Source {
  readonly readsByPlace = true;
  constructor(
    private readonly inner: TrailSource,
    readonly label: string,
  ) {}
  units(scope: ScanScope, signal?: AbortSignal): AsyncIterable<UnitOrProblem> {
    return this.inner.units(scope, signal);
  }
}

