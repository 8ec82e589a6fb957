import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildLogKey } from '../src/cloudtrail/layout.js';
import type { CloudTrailEvent } from '../src/cloudtrail/event.js';
import { Plants, PLANTED_TABLE_NAME, type PlantedClosure, type PlantedDeletion } from './plants.js';

/**
 * What both bench corpora share: the manifest every case checks its answer against, the seeded generator, and
 * the loop that lays a corpus out slot by slot (one 5-minute delivery window at a time), merging the planted
 * answers (bench/plants.ts) into the files their times fall in. Same kind and size → same bytes.
 */
export type CorpusKind = 'synthetic' | 'realistic';
export const CORPUS_KINDS: readonly CorpusKind[] = ['synthetic', 'realistic'];
/** The trail lives in <dir>/trail, apart from the manifest, so tools can be pointed at it alone. */
export const trailDir = (dir: string) => join(dir, 'trail');
export const PLANTED_TABLE = PLANTED_TABLE_NAME;

export interface CorpusManifest {
  kind: CorpusKind;
  version: number;
  bytesTarget: number;
  files: string[];
  events: number;
  uncompressedBytes: number;
  compressedBytes: number;
  /** eventIDs of DeleteTable events (every table). */
  deleteTableIds: string[];
  /** eventIDs of the DeleteTable events for PLANTED_TABLE. */
  plantedIds: string[];
  /** The planted deletions of PLANTED_TABLE with the AssumeRole chain behind each: find-deletion's answer. */
  deletions: PlantedDeletion[];
  /** The planted deep, wide closure: activity's answer. */
  closure: PlantedClosure;
  /** Count of write (readOnly=false) events. */
  writeEvents: number;
}

/** mulberry32: small, fast, and identical on every platform. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export const SLOT_MS = 5 * 60_000;
export const CORPUS_START = Date.parse('2026-03-01T00:00:00Z');
export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** What a corpus kind contributes: the background events of one slot (any accounts and regions, times inside it). */
export interface CorpusSpec {
  kind: CorpusKind;
  version: number;
  seed: number;
  /** The account the plants act in, and the regions they spread over (regions the kind delivers files for). */
  plantAccount: string;
  plantRegions: readonly string[];
  slot(r: () => number, slot: number, startMs: number): CloudTrailEvent[];
}

export interface GenerateOptions {
  bytesTarget: number;
  dir: string;
  log?: (line: string) => void;
}

/** Generates the corpus unless a matching one is already there; returns its manifest. */
export function ensureCorpusOf(spec: CorpusSpec, opts: GenerateOptions): CorpusManifest {
  const manifestPath = join(opts.dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as CorpusManifest;
    if (m.kind === spec.kind && m.version === spec.version && m.bytesTarget === opts.bytesTarget) return m;
  }
  rmSync(opts.dir, { recursive: true, force: true });
  mkdirSync(opts.dir, { recursive: true });
  const plants = new Plants({ bytesTarget: opts.bytesTarget, account: spec.plantAccount, regions: spec.plantRegions, seed: spec.seed });
  const m: CorpusManifest = {
    kind: spec.kind,
    version: spec.version,
    bytesTarget: opts.bytesTarget,
    files: [],
    events: 0,
    uncompressedBytes: 0,
    compressedBytes: 0,
    deleteTableIds: [],
    plantedIds: [],
    deletions: [],
    closure: plants.closureAnswer(),
    writeEvents: 0,
  };
  const r = rng(spec.seed);
  for (let slot = 0; m.uncompressedBytes < opts.bytesTarget || !plants.done(); slot++) {
    const startMs = CORPUS_START + slot * SLOT_MS;
    const events = spec.slot(r, slot, startMs);
    // Plants start in the slot that reaches their fraction of the corpus (this slot's bytes estimated), so the last
    // one still lands inside a small corpus.
    const perEvent = m.events ? m.uncompressedBytes / m.events : 1400;
    events.push(...plants.due((m.uncompressedBytes + events.length * perEvent) / opts.bytesTarget, startMs, startMs + SLOT_MS));
    writeSlot(opts.dir, spec.kind, slot, startMs, events, m);
    if (slot % 50 === 0) opts.log?.(`${spec.kind} corpus: ${(m.uncompressedBytes / 1e6).toFixed(0)} / ${(opts.bytesTarget / 1e6).toFixed(0)} MB`);
  }
  m.deletions = plants.deletionAnswers();
  m.closure = plants.closureAnswer();
  m.plantedIds = m.deletions.map((d) => d.eventID);
  writeFileSync(manifestPath, JSON.stringify(m));
  return m;
}

/** One file per account and region of the slot, named and timed as CloudTrail delivers it, records in time order. */
function writeSlot(dir: string, kind: CorpusKind, slot: number, startMs: number, events: CloudTrailEvent[], m: CorpusManifest): void {
  const groups = new Map<string, CloudTrailEvent[]>();
  for (const e of events) {
    const k = `${e.recipientAccountId}|${e.awsRegion}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(e);
  }
  for (const [k, evs] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const [account, region] = k.split('|') as [string, string];
    // A stable sort keeps the generator's order among records of the same second.
    evs.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
    const unique = createHash('sha1').update(`${kind}|${k}|${slot}`).digest('hex').slice(0, 16).toUpperCase();
    const key = buildLogKey({ prefix: '', account, region, delivered: new Date(startMs + SLOT_MS + 3 * 60_000), unique });
    const json = Buffer.from(JSON.stringify({ Records: evs }));
    const body = gzipSync(json, { level: 6 });
    const path = join(dir, 'trail', ...key.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    m.files.push(key);
    m.events += evs.length;
    for (const e of evs) {
      if (e.readOnly === false) m.writeEvents++;
      if (e.eventName === 'DeleteTable') m.deleteTableIds.push(e.eventID!);
    }
    m.uncompressedBytes += json.length;
    m.compressedBytes += body.length;
  }
}
