import { availableParallelism } from 'node:os';
import { loadDuckdb } from './duckdb-pkg.js';

/**
 * DuckDB's best case on the same files: read_json over the .json.gz files with the columns the query
 * needs declared up front (so it projects instead of inferring a schema). Prints one JSON line of results.
 * Usage: node duckdb.js <trail-dir> needle|count
 */
const [dir, query] = process.argv.slice(2) as [string, string];
const { DuckDBInstance } = await loadDuckdb();
const instance = await DuckDBInstance.create(':memory:', { threads: String(availableParallelism()) });
const db = await instance.connect();
const from = `(SELECT unnest(Records) AS r FROM read_json('${dir}/**/*.json.gz', format = 'auto', compression = 'gzip',
  columns = {Records: 'STRUCT(eventID VARCHAR, eventName VARCHAR, eventTime VARCHAR, readOnly BOOLEAN, userIdentity STRUCT(arn VARCHAR))[]'}))`;
if (query === 'needle') {
  const res = await db.runAndReadAll(`SELECT r.eventID AS id, r.userIdentity.arn AS who FROM ${from} WHERE r.eventName = 'DeleteTable'`);
  console.log(JSON.stringify({ ids: res.getRowObjects().map((row) => String(row.id)) }));
} else {
  const res = await db.runAndReadAll(`SELECT count(*) AS n, count(*) FILTER (WHERE NOT r.readOnly) AS writes FROM ${from}`);
  const row = res.getRowObjects()[0]!;
  console.log(JSON.stringify({ events: Number(row.n), writes: Number(row.writes) }));
}
