import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { loadDuckdb } from '../../bench/duckdb-pkg.js';
import { parseLogKey } from '../../src/cloudtrail/layout.js';
import type { TrailFile } from '../helpers/trail-builder.js';
import { CLOUDTRAIL_COLUMNS, PARTITION_COLUMNS, type HiveType } from '../../src/athena/table.js';
import { folderSource } from '../../src/source/local.js';
import { scanEvents } from '../../src/pipeline/scan.js';
import type { RecordMatcher } from '../../src/records/matcher.js';
import type { ScanScope } from '../../src/source/types.js';

/**
 * A DuckDB stand-in for the Athena CloudTrail table: the columns `ctrail athena setup` declares (the
 * documented ones: structs, arrays, JSON text, from athena/table.ts), `"$path"` and the partition columns, filled from a trail on disk the way the CloudTrail SerDe reads
 * records (field names matched without case, a nested object in a string column kept as its JSON text).
 * The generated SQL runs on it unchanged; the Trino functions DuckDB lacks are one-line macros.
 */

/** The table `ctrail athena setup` makes (athena/table.ts), as DuckDB types. */
function duckType(t: HiveType): string {
  if (typeof t === 'string') return t === 'string' ? 'VARCHAR' : t.toUpperCase();
  if ('array' in t) return `${duckType(t.array)}[]`;
  if ('map' in t) return `MAP(${duckType(t.map[0])}, ${duckType(t.map[1])})`;
  return `STRUCT(${t.struct.map(([k, v]) => `${k} ${duckType(v)}`).join(', ')})`;
}

function field(obj: Record<string, unknown>, lower: string): unknown {
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** A value as the SerDe reads it into a column of type `t`: text columns keep nested JSON as its text. */
function convert(t: HiveType, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof t === 'string') return typeof v === 'string' ? v : JSON.stringify(v);
  if ('array' in t) return Array.isArray(v) ? v.map((x) => convert(t.array, x)) : null;
  if (typeof v !== 'object' || Array.isArray(v)) return null;
  if ('map' in t) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(t.map[1], x)]));
  return Object.fromEntries(t.struct.map(([k, ft]) => [k, convert(ft, field(v as Record<string, unknown>, k))]));
}

export interface CorpusRow {
  path: string;
  eventid: string;
}

export interface Corpus {
  /** The trail on disk, for a local scan of the same objects. */
  dir: string;
  /** Every log file under dir, with its key. */
  files(): Array<{ key: string; path: string }>;
  /** Rows in the table. */
  size: number;
  /** Runs SQL and returns its rows as objects. */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** `s3://corpus/<key>` of a file under dir. */
  pathOf(file: string): string;
  close(): void;
}

/** The bucket the stand-in table's `"$path"` names. */
export const CORPUS_BUCKET = 'corpus';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else if (p.endsWith('.json.gz')) out.push(p);
  }
  return out.sort();
}

/** Writes `files` (and copies of `copyFrom` trails) into a temp trail and loads every record into DuckDB. */
export async function openCorpus(files: readonly TrailFile[], copyFrom: readonly string[] = [], bucket = CORPUS_BUCKET): Promise<Corpus> {
  const dir = mkdtempSync(join(tmpdir(), 'ctrail-athena-'));
  for (const f of files) {
    const p = join(dir, ...f.key.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.body);
  }
  for (const src of copyFrom) {
    for (const file of filesUnder(src)) {
      const p = join(dir, relative(src, file));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, readFileSync(file));
    }
  }
  const pathOf = (file: string) => `s3://${bucket}/${relative(dir, file).split(sep).join('/')}`;
  const lines: string[] = [];
  for (const file of filesUnder(dir)) {
    const key = relative(dir, file).split(sep).join('/');
    const info = parseLogKey(key);
    if (!info) throw new Error(`corpus: ${key} is not a log key`);
    const day = key.split('/').slice(-4, -1).join('/');
    const records = (JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: Array<Record<string, unknown>> }).Records;
    for (const r of records) {
      const row: Record<string, unknown> = { $path: pathOf(file), account: info.account, region: info.region, day };
      for (const [name, col] of CLOUDTRAIL_COLUMNS) row[name] = convert(col, field(r, name));
      lines.push(JSON.stringify(row));
    }
  }
  const ndjson = join(dir, 'rows.ndjson');
  writeFileSync(ndjson, lines.join('\n') + '\n');
  const { DuckDBInstance } = await loadDuckdb();
  const db = await DuckDBInstance.create(':memory:', {});
  const conn = await db.connect();
  const columns = { ...Object.fromEntries(CLOUDTRAIL_COLUMNS.map(([k, v]) => [k, duckType(v)])), $path: 'VARCHAR', ...Object.fromEntries(Object.values(PARTITION_COLUMNS).map((p) => [p, 'VARCHAR'])) };
  const spec = Object.entries(columns).map(([k, v]) => `'${k}': '${v}'`).join(', ');
  await conn.runAndReadAll(`CREATE TABLE cloudtrail AS SELECT * FROM read_json('${ndjson.replace(/'/g, "''")}', format = 'newline_delimited', columns = {${spec}})`);
  // Trino functions the SQL uses that DuckDB spells differently.
  await conn.runAndReadAll('CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)');
  await conn.runAndReadAll('CREATE MACRO cardinality(l) AS len(l)');
  rmSync(ndjson);
  const query = async (sql: string) =>
    (await conn.runAndReadAll(sql)).getRowObjects().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  return { dir, files: () => filesUnder(dir).map((path) => ({ path, key: relative(dir, path).split(sep).join('/') })), size: lines.length, query, pathOf, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `path|eventid` of every event a local scan with this matcher and scope finds. */
export async function localHits(c: Corpus, matcher: RecordMatcher, scope: ScanScope): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const hit of scanEvents({ sources: [folderSource(c.dir)], scope, matcher, jobs: 4, dedup: false }, { problem: (p) => assert.fail(`${p.source}: ${p.problem}`) })) {
    out.add(`${c.pathOf(resolve(hit.source.split('/').join(sep)))}|${String(hit.event.eventID)}`);
  }
  return out;
}

export async function candidates(c: Corpus, sql: string): Promise<Set<string>> {
  const rows = await c.query(sql);
  return new Set(rows.map((r) => `${String(r.path)}|${String(r.eventid)}`));
}

