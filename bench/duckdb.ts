import { availableParallelism } from 'node:os';
import { DELETION_CATALOGUE } from '../src/forensics/catalogue.js';
import { ISSUING_EVENT_NAMES } from '../src/forensics/issued-credential.js';
import { loadDuckdb } from './duckdb-pkg.js';

/**
 * DuckDB's best case on the same files: read_json over the .json.gz files with the columns each query needs
 * declared up front (so it projects instead of inferring a schema), one scan per query. Prints one JSON line.
 * Usage: node duckdb.js <trail-dir> needle | count | find-deletion <table> | activity <access-key-id>
 *
 * find-deletion and activity are what a DuckDB user would write for ctrail's forensics commands: one scan into
 * a small temporary table, then a recursive CTE over the credential-issuing calls (AssumeRole & co.: the key a
 * call issued is `responseElements.credentials.accessKeyId`, the key it was made with `userIdentity.accessKeyId`).
 * They join on keys and time order only; ctrail also checks lifetimes, accounts and session ARNs.
 */
const [dir, query, arg] = process.argv.slice(2) as [string, string, string | undefined];
const { DuckDBInstance } = await loadDuckdb();
const instance = await DuckDBInstance.create(':memory:', { threads: String(availableParallelism()) });
const db = await instance.connect();
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const scan = (record: string) =>
  `(SELECT unnest(Records) AS r FROM read_json('${dir}/**/*.json.gz', format = 'auto', compression = 'gzip', columns = {Records: '${record.replace(/'/g, "''")}[]'}))`;
const issuing = `r.eventSource = 'sts.amazonaws.com' AND r.eventName IN (${ISSUING_EVENT_NAMES.map(quote).join(', ')}) AND r.errorCode IS NULL`;
const rows = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjects();

if (query === 'needle') {
  const res = await rows(`SELECT r.eventID AS id, r.userIdentity.arn AS who FROM ${scan('STRUCT(eventID VARCHAR, eventName VARCHAR, userIdentity STRUCT(arn VARCHAR))')} WHERE r.eventName = 'DeleteTable'`);
  console.log(JSON.stringify({ ids: res.map((row) => String(row.id)) }));
} else if (query === 'count') {
  const res = await rows(`SELECT count(*) AS n, count(*) FILTER (WHERE NOT r.readOnly) AS writes FROM ${scan('STRUCT(readOnly BOOLEAN)')}`);
  console.log(JSON.stringify({ events: Number(res[0]!.n), writes: Number(res[0]!.writes) }));
} else if (query === 'find-deletion' && arg) {
  // The catalogue's calls that delete a DynamoDB table, each with the request parameter that names it.
  const deleting = DELETION_CATALOGUE.filter((row) => row.resourceType === 'dynamodb:table');
  const params = new Set<string>();
  const byName = deleting.map((row) => {
    const names = row.targets.map((t) => (typeof t === 'string' ? t : t.path));
    for (const n of names) {
      if (!/^[A-Za-z]\w*$/.test(n)) throw new Error(`catalogue target ${n} of ${row.eventName} is not a plain request parameter`);
      params.add(n);
    }
    return `(r.eventSource = ${quote(row.eventSource)} AND r.eventName = ${quote(row.eventName)} AND (${names.map((n) => `r.requestParameters.${n} = ${quote(arg)}`).join(' OR ')}))`;
  });
  if (!byName.length) throw new Error('the catalogue has no dynamodb:table row');
  const isDeletion = byName.join(' OR ');
  const record = `STRUCT(eventID VARCHAR, eventTime VARCHAR, eventSource VARCHAR, eventName VARCHAR, errorCode VARCHAR, userIdentity STRUCT(arn VARCHAR, accessKeyId VARCHAR), requestParameters STRUCT(${[...params].map((p) => `${p} VARCHAR`).join(', ')}), responseElements STRUCT(credentials STRUCT(accessKeyId VARCHAR)))`;
  await db.runAndReadAll(`CREATE TEMP TABLE ev AS
    SELECT r.eventID AS id, r.eventTime AS t, r.userIdentity.arn AS arn, r.userIdentity.accessKeyId AS key,
           CASE WHEN ${issuing} THEN r.responseElements.credentials.accessKeyId END AS issued, (${isDeletion}) AS deletion
    FROM ${scan(record)} WHERE (${isDeletion}) OR (${issuing})`);
  const res = await rows(`WITH RECURSIVE chain(deletion, depth, hop, key, arn, t) AS (
      SELECT id, 0, NULL::VARCHAR, key, arn, t FROM ev WHERE deletion
      UNION ALL
      SELECT c.deletion, c.depth + 1, i.id, i.key, i.arn, i.t FROM chain c JOIN ev i ON i.issued = c.key AND i.t <= c.t WHERE c.depth < 16
    )
    SELECT deletion AS id, arg_max(arn, depth) AS origin, list(hop ORDER BY depth DESC) FILTER (WHERE hop IS NOT NULL) AS chain
    FROM chain GROUP BY deletion`);
  const deletions = res.map((row) => ({ eventID: String(row.id), origin: String(row.origin), chain: ((row.chain as { items?: unknown[] } | null)?.items ?? (row.chain as unknown[] | null) ?? []).map(String) }));
  console.log(JSON.stringify({ deletions }));
} else if (query === 'activity' && arg) {
  // One scan keeps every event's id and key (the closure's events are known only once the closure is).
  await db.runAndReadAll(`CREATE TEMP TABLE ev AS
    SELECT r.eventID AS id, r.userIdentity.accessKeyId AS key, CASE WHEN ${issuing} THEN r.responseElements.credentials.accessKeyId END AS issued
    FROM ${scan('STRUCT(eventID VARCHAR, eventSource VARCHAR, eventName VARCHAR, errorCode VARCHAR, userIdentity STRUCT(accessKeyId VARCHAR), responseElements STRUCT(credentials STRUCT(accessKeyId VARCHAR)))')}`);
  await db.runAndReadAll(`CREATE TEMP TABLE issuing AS SELECT key, issued FROM ev WHERE issued IS NOT NULL`);
  const res = await rows(`WITH RECURSIVE keys(k, depth) AS (
      SELECT ${quote(arg)}, 0
      UNION
      SELECT i.issued, keys.depth + 1 FROM keys JOIN issuing i ON i.key = keys.k WHERE keys.depth < 16
    )
    SELECT id FROM ev WHERE key IN (SELECT k FROM keys)`);
  console.log(JSON.stringify({ ids: res.map((row) => String(row.id)) }));
} else {
  throw new Error(`usage: duckdb.js <trail-dir> needle | count | find-deletion <table> | activity <access-key-id>`);
}
