import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDuckdb } from './duckdb-pkg.js';
import { ACCOUNTS, ensureCorpus, REGIONS } from './corpus.js';
import { trailDir } from './corpus-common.js';
import { parseLogKey } from '../src/cloudtrail/layout.js';
import { partitionPredicates, type PartitionScope } from '../src/athena/sql.js';

/**
 * How much of the table the partition predicates of `--engine athena` leave Athena to scan (docs/athena.md).
 * Athena bills the bytes of the objects it opens, and a gzip JSON object is read whole, so the bytes of the
 * partitions a query keeps are its scan. Two layouts: the bench corpus itself (a few busy hours), and a
 * year of the same accounts and regions with equal days, both queried with the predicates the engine writes.
 *
 *   node dist/bench/athena-partitions.js [--size 50MB]
 */

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.json.gz') ? [p] : [];
  });
}

const sizeArg = process.argv.indexOf('--size');
const size = sizeArg > 0 ? Number.parseInt(process.argv[sizeArg + 1]!, 10) * 1e6 : 50e6;
const corpusDir = join(repo, 'bench', 'corpus', `size-${size}`);
ensureCorpus({ bytesTarget: size, dir: corpusDir, log: (l) => process.stderr.write(`  ${l}\n`) });
const trail = trailDir(corpusDir);

const { DuckDBInstance } = await loadDuckdb();
const db = await DuckDBInstance.create(':memory:', {});
const conn = await db.connect();
const rows = files(trail).map((f) => {
  const key = relative(trail, f).split(sep).join('/');
  const info = parseLogKey(key)!;
  return `('${info.account}', '${info.region}', '${key.split('/').slice(-4, -1).join('/')}', ${statSync(f).size})`;
});
await conn.runAndReadAll(`CREATE TABLE corpus(account VARCHAR, region VARCHAR, day VARCHAR, bytes BIGINT)`);
await conn.runAndReadAll(`INSERT INTO corpus VALUES ${rows.join(', ')}`);
// A year of the same layout, one unit of bytes per account, region and day.
await conn.runAndReadAll(`CREATE TABLE year AS SELECT a.account, r.region, strftime(DATE '2026-01-01' + INTERVAL (d) DAY, '%Y/%m/%d') AS day, 1 AS bytes
  FROM (VALUES ${ACCOUNTS.map((a) => `('${a}')`).join(', ')}) a(account), (VALUES ${REGIONS.map((r) => `('${r}')`).join(', ')}) r(region), range(365) t(d)`);

const hours = (iso: string, h: number): PartitionScope => ({ start: new Date(iso), end: new Date(Date.parse(iso) + h * 3_600_000) });
const cases: Array<[string, PartitionScope]> = [
  ['no window, no scope', {}],
  ['--account 444455556666', { accounts: ['444455556666'] }],
  ['--region eu-west-1', { regions: ['eu-west-1'] }],
  ['--region us-east-1 (global events: every region folder)', { regions: ['us-east-1'] }],
  ['--account 444455556666 --region eu-west-1', { accounts: ['444455556666'], regions: ['eu-west-1'] }],
  ['a 1-hour window', hours('2026-03-01T02:00:00Z', 1)],
  ['a 1-hour window, one account and region', { ...hours('2026-03-01T02:00:00Z', 1), accounts: ['444455556666'], regions: ['eu-west-1'] }],
  ['a 7-day window', hours('2026-03-01T00:00:00Z', 7 * 24)],
  ['find-deletion --start 2026-03-01 (36 h look-back), one account', { start: new Date(Date.parse('2026-03-01T00:00:00Z') - 36 * 3_600_000), end: new Date('2026-03-02T00:00:00Z'), accounts: ['444455556666'] }],
];

const sum = async (table: string, where: string[]) =>
  Number((await conn.runAndReadAll(`SELECT coalesce(sum(bytes), 0) AS b FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`)).getRowObjects()[0]!.b);
const totalCorpus = await sum('corpus', []);
const totalYear = await sum('year', []);
const now = new Date('2026-12-31T00:00:00Z');
console.log(`bench corpus: ${rows.length} objects, ${(totalCorpus / 1e6).toFixed(1)} MB compressed; a year: ${totalYear} account-region-days\n`);
console.log('| query | partition predicates | bench corpus scanned | a year of the same layout scanned |');
console.log('|---|---|---|---|');
for (const [name, scope] of cases) {
  const where = partitionPredicates(scope, now);
  const c = await sum('corpus', where);
  const y = await sum('year', where);
  const pct = (n: number, t: number) => `${((100 * n) / t).toFixed(n / t < 0.01 ? 2 : 1)} %`;
  console.log(`| ${name} | \`${where.join(' AND ') || '(none)'}\` | ${(c / 1e6).toFixed(1)} MB (${pct(c, totalCorpus)}) | ${pct(y, totalYear)} |`);
}
