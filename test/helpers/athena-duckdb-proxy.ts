import { createServer, type Server } from 'node:http';
import { forward, readBody } from './http-forward.js';
import { setMotoAthenaResult } from './athena-proxy.js';
import type { Corpus } from '../athena/duckdb-corpus.js';

/**
 * Athena that really runs the SQL: a proxy in front of moto's Athena that, when a query starts, runs its
 * QueryString on the DuckDB stand-in table and hands the rows to moto (its
 * /moto-api/static/athena/query-results queue), so moto's GetQueryResults for that query returns what the
 * SQL selects. Every call still goes through moto and the real SDK client.
 */
export interface DuckAthena {
  endpoint: string;
  /** The SQL of every query started, in order. */
  queries: string[];
  stop(): Promise<void>;
}

/** Column names of a SELECT's result, even when it has no rows. */
async function columnsOf(corpus: Corpus, sql: string, rows: Array<Record<string, unknown>>): Promise<string[]> {
  if (rows.length) return Object.keys(rows[0]!);
  const described = await corpus.query(`DESCRIBE ${sql}`);
  return described.map((r) => String(r.column_name));
}

export async function startDuckAthena(motoEndpoint: string, corpus: Corpus): Promise<DuckAthena> {
  const queries: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    try {
      if (target.endsWith('.StartQueryExecution')) {
        const sql = String((JSON.parse(body.toString('utf8')) as { QueryString?: string }).QueryString ?? '');
        queries.push(sql);
        const rows = await corpus.query(sql);
        const columns = await columnsOf(corpus, sql, rows);
        await setMotoAthenaResult(motoEndpoint, columns, rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? null : String(r[c])))));
      }
      const up = await forward(motoEndpoint, req, body);
      res.writeHead(up.status, { 'content-type': up.headers['content-type'] ?? 'application/x-amz-json-1.1' });
      res.end(up.text);
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'InvalidRequestException', Message: String(err) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    endpoint: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    queries,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
