import { createServer, type IncomingMessage, type Server } from 'node:http';
import { forward as forwardTo, readBody, type Forwarded } from './http-forward.js';

/**
 * A real HTTP proxy in front of moto's Athena (AWS JSON 1.1: POST /, X-Amz-Target: AmazonAthena.Op).
 *
 * moto answers every query SUCCEEDED at once, with 0 bytes scanned, and returns all rows in one page. This
 * proxy lets a test give a query a life instead: each GetQueryExecution answer takes the next step of a
 * script (state, DataScannedInBytes, reason), and GetQueryResults is cut into pages with NextToken. Every
 * call still reaches moto, so StopQueryExecution really stops the query there, and a query moto reports
 * CANCELLED is reported CANCELLED whatever the script says.
 */
export interface AthenaStep {
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  bytes?: number;
  reason?: string;
}

export interface AthenaScript {
  /** One per GetQueryExecution answer; the last is repeated for ever (so a RUNNING last step holds it). */
  steps: AthenaStep[];
}

export interface AthenaCall {
  operation: string;
  input: Record<string, unknown>;
  status: number;
}

export interface AthenaProxy {
  endpoint: string;
  /** Every call, in order, with the status the proxy answered. */
  calls: AthenaCall[];
  /** The next StartQueryExecution gets this script (queued: one per query, in order). */
  script(s: AthenaScript): void;
  /** The next `times` calls of `operation` are refused with this error, without reaching moto. */
  refuse(operation: string, error: { status: number; type: string; message: string }, times?: number): void;
  /** Largest page GetQueryResults returns, whatever MaxResults asks. */
  pageSize: number;
  /** GetQueryResults answers with the token it was given (a server stuck on one page). */
  stuckToken: boolean;
  /** Resolves when a GetQueryExecution answer with this state has been sent. */
  reached(state: string): Promise<void>;
  stop(): Promise<void>;
}

interface Row {
  Data?: unknown[];
}

export async function startAthenaProxy(opts: { target: string; pageSize?: number }): Promise<AthenaProxy> {
  const calls: AthenaCall[] = [];
  const scripts: AthenaScript[] = [];
  const running = new Map<string, { script: AthenaScript; polls: number }>();
  const refusals = new Map<string, { status: number; type: string; message: string; left: number }>();
  const waiters: { state: string; resolve: () => void }[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const forward = (req: IncomingMessage, body: Buffer): Promise<Forwarded> => forwardTo(opts.target, req, body);

  const proxy: AthenaProxy = {
    endpoint: '',
    calls,
    pageSize: opts.pageSize ?? 1000,
    stuckToken: false,
    script: (s) => void scripts.push(s),
    refuse: (operation, error, times = 1) => void refusals.set(operation, { ...error, left: times }),
    reached: (state) => new Promise<void>((resolve) => waiters.push({ state, resolve })),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers });
      res.end(body);
    };
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.lastIndexOf('.') + 1);
    let input: Record<string, unknown> = {};
    try {
      input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      // not JSON: forwarded as it is
    }
    const call: AthenaCall = { operation, input, status: 0 };
    calls.push(call);
    try {
      const refusal = refusals.get(operation);
      if (refusal && refusal.left > 0) {
        refusal.left--;
        call.status = refusal.status;
        return send(refusal.status, JSON.stringify({ __type: refusal.type, Message: refusal.message }), { 'x-amzn-errortype': refusal.type });
      }
      if (operation === 'GetQueryResults') return await pagedResults(req, input, call);
      const up = await forward(req, body);
      call.status = up.status;
      if (up.status !== 200) return send(up.status, up.text, up.headers);
      if (operation === 'StartQueryExecution') {
        const id = (JSON.parse(up.text) as { QueryExecutionId: string }).QueryExecutionId;
        const script = scripts.shift();
        if (script) running.set(id, { script, polls: 0 });
      }
      if (operation === 'GetQueryExecution') return send(200, rewriteExecution(up.text), up.headers);
      return send(200, up.text, up.headers);
    } catch (err) {
      call.status = 500;
      send(500, JSON.stringify({ __type: 'InternalFailure', Message: String(err) }));
    }

    async function pagedResults(req: IncomingMessage, input: Record<string, unknown>, call: AthenaCall): Promise<void> {
      const whole = { ...input };
      delete whole.NextToken;
      delete whole.MaxResults;
      const up = await forward(req, Buffer.from(JSON.stringify(whole)));
      call.status = up.status;
      if (up.status !== 200) return send(up.status, up.text, up.headers);
      const parsed = JSON.parse(up.text) as { ResultSet: { Rows: Row[] } };
      const rows = parsed.ResultSet.Rows;
      const from = typeof input.NextToken === 'string' && input.NextToken.startsWith('page-') ? Number(input.NextToken.slice(5)) : 0;
      const size = Math.min(proxy.pageSize, typeof input.MaxResults === 'number' ? input.MaxResults : 1000);
      const page = rows.slice(from, from + size);
      const next = proxy.stuckToken
        ? { NextToken: typeof input.NextToken === 'string' ? input.NextToken : 'stuck' }
        : from + size < rows.length
          ? { NextToken: `page-${from + size}` }
          : {};
      send(200, JSON.stringify({ ...parsed, ResultSet: { ...parsed.ResultSet, Rows: page }, ...next }), up.headers);
    }
  });

  function rewriteExecution(text: string): string {
    const doc = JSON.parse(text) as {
      QueryExecution: { QueryExecutionId: string; Status: Record<string, unknown>; Statistics: Record<string, unknown> };
    };
    const ex = doc.QueryExecution;
    const plan = running.get(ex.QueryExecutionId);
    if (plan && ex.Status.State !== 'CANCELLED') {
      const step = plan.script.steps[Math.min(plan.polls, plan.script.steps.length - 1)]!;
      plan.polls++;
      ex.Status.State = step.state;
      if (step.reason) {
        ex.Status.StateChangeReason = step.reason;
        ex.Status.AthenaError = { ErrorCategory: 2, ErrorType: 1000, ErrorMessage: step.reason };
      }
      ex.Statistics.DataScannedInBytes = step.bytes ?? 0;
    }
    const state = String(ex.Status.State);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.state === state) waiters.splice(i, 1)[0]!.resolve();
    }
    return JSON.stringify(doc);
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  proxy.endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return proxy;
}

/** Queues what moto's next query returns (its /moto-api/static/athena/query-results endpoint); the header row comes from `columns`. */
export async function setMotoAthenaResult(
  motoEndpoint: string,
  columns: string[],
  rows: ReadonlyArray<ReadonlyArray<string | null>>,
  accountId = '111122223333',
  region = 'us-east-1',
): Promise<void> {
  // A NULL cell is a datum without VarCharValue, as Athena sends it.
  const toRow = (cells: ReadonlyArray<string | null>) => ({ Data: cells.map((c) => (c === null ? {} : { VarCharValue: c })) });
  const res = await fetch(`${motoEndpoint}/moto-api/static/athena/query-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      account_id: accountId,
      region,
      results: [{ rows: [toRow(columns), ...rows.map(toRow)], column_info: columns.map((c) => ({ Name: c, Label: c, Type: 'varchar', Nullable: 'UNKNOWN' })) }],
    }),
  });
  if (res.status !== 201) throw new Error(`moto refused the Athena result: ${res.status} ${await res.text()}`);
}
