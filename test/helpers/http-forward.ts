import type { IncomingMessage } from 'node:http';

/** What the Athena test proxies (athena-proxy.ts, athena-duckdb-proxy.ts) share: reading a call and passing it on. */

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface Forwarded {
  status: number;
  /** The answer's headers less those of the hop (length, encoding, connection), which the proxy's own reply sets. */
  headers: Record<string, string>;
  text: string;
}

/** Sends a call on to `target` with its own headers (the SigV4 signature among them), and reads the answer. */
export async function forward(target: string, req: IncomingMessage, body: Buffer): Promise<Forwarded> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
  const res = await fetch(target + (req.url ?? '/'), { method: req.method ?? 'POST', headers, body: new Uint8Array(body) });
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'content-encoding') out[k] = v;
  });
  return { status: res.status, headers: out, text: await res.text() };
}
