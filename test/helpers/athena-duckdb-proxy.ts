import { createServer, type IncomingMessage, type Server } from 'node:http';
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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function queueResult(moto: string, rows: Array<Record<string, unknown>>, columns: string[]): Promise<void> {
  const cell = (v: unknown) => (v === null || v === undefined ? {} : { VarCharValue: String(v) });
  const res = await fetch(`${moto}/moto-api/static/athena/query-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      account_id: '111122223333',
      region: 'us-east-1',
      results: [
        {
          rows: [{ Data: columns.map((c) => ({ VarCharValue: c })) }, ...rows.map((r) => ({ Data: columns.map((c) => cell(r[c])) }))],
          column_info: columns.map((c) => ({ Name: c, Label: c, Type: 'varchar', Nullable: 'UNKNOWN' })),
        },
      ],
    }),
  });
  if (res.status !== 201) throw new Error(`moto refused the Athena result: ${res.status}`);
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
        await queueResult(motoEndpoint, rows, await columnsOf(corpus, sql, rows));
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const up = await fetch(motoEndpoint + (req.url ?? '/'), { method: req.method ?? 'POST', headers, body: new Uint8Array(body) });
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/x-amz-json-1.1' });
      res.end(await up.text());
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
