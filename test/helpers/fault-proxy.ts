import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A seeded fault-injecting HTTP proxy on 127.0.0.1, for putting between a real SDK client and moto's S3
 * (path-style, so every request names its bucket in the path and the proxy needs no DNS tricks).
 *
 * Whether a request is faulted, and how, is a function of (seed, method, path+query, how many times that
 * same request was seen before): the same seed faults the same requests the same way whatever order
 * concurrent requests arrive in. Only GETs are faulted (object reads and LIST pages); writes pass through,
 * so a test can fill its bucket through the proxy or around it.
 *
 * Bounded and self-stopping: a request is never faulted more than `maxConsecutive` times in a row (so a
 * client that retries enough always gets through), at most `maxFaults` faults are injected in all, a hung
 * response is dropped after `hangMs`, and the server closes itself after `lifetimeMs`.
 */
export type FaultKind =
  /** 500 InternalError, without asking the server. */
  | 'status-500'
  /** 503 ServiceUnavailable. */
  | 'status-503'
  /** 503 SlowDown (S3's throttling answer). */
  | 'slowdown'
  /** Headers and part of the body, then a TCP reset. */
  | 'reset'
  /** Headers with the full Content-Length, part of the body, then a clean close. */
  | 'short'
  /** The full body with one byte changed (object GETs only: a listing has no checksum to catch it). */
  | 'corrupt'
  /** No answer at all until the client gives up (or `hangMs` passes). */
  | 'hang';

export const ALL_FAULTS: readonly FaultKind[] = ['status-500', 'status-503', 'slowdown', 'reset', 'short', 'corrupt', 'hang'];

export interface FaultProxyOptions {
  /** The real server, e.g. moto's `http://127.0.0.1:PORT`. */
  target: string;
  seed: number;
  /** Share of eligible requests to fault, 0..1. */
  rate: number;
  faults?: readonly FaultKind[];
  /** Only requests this accepts may be faulted (default: every GET). */
  match?: (method: string, url: string) => boolean;
  /** Most faults in a row for one request (method + path + query). Default 2; Infinity faults it for good. */
  maxConsecutive?: number;
  /** Most faults in all. Default unlimited. */
  maxFaults?: number;
  /** How long a hung response is held before its socket is dropped. Default 30 s. */
  hangMs?: number;
  /** The proxy stops itself after this long. Default 10 minutes. */
  lifetimeMs?: number;
}

export interface FaultRecord {
  kind: FaultKind;
  method: string;
  url: string;
}

export interface FaultProxy {
  endpoint: string;
  /** Every fault injected, in order. */
  faults: FaultRecord[];
  /** Requests seen (faulted or not). */
  requests: number;
  stop(): Promise<void>;
}

/** FNV-1a over the text, mixed with the seed, finished with a murmur3 avalanche so close inputs spread. */
function hash(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const ERRORS: Record<'status-500' | 'status-503' | 'slowdown', { status: number; code: string; message: string }> = {
  'status-500': { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
  'status-503': { status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request.' },
  slowdown: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
};

interface Upstream {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  const kinds = opts.faults ?? ALL_FAULTS;
  const maxConsecutive = opts.maxConsecutive ?? 2;
  const hangMs = opts.hangMs ?? 30_000;
  const seen = new Map<string, number>();
  const streak = new Map<string, number>();
  const faults: FaultRecord[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;

  const choose = (method: string, url: string): FaultKind | undefined => {
    if (method !== 'GET' || (opts.match && !opts.match(method, url))) return undefined;
    if (opts.maxFaults !== undefined && faults.length >= opts.maxFaults) return undefined;
    const id = `${method} ${url}`;
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    if ((streak.get(id) ?? 0) >= maxConsecutive) {
      streak.set(id, 0);
      return undefined;
    }
    // Two independent draws from the request's identity: whether to fault it, and how.
    const draw = (salt: number) => hash(opts.seed ^ salt, `${id}#${n}`) / 4294967296;
    if (draw(0) >= opts.rate) {
      streak.set(id, 0);
      return undefined;
    }
    const isList = /[?&]list-type=2/.test(url) || /^\/[^/?]+\/?(\?|$)/.test(url);
    const eligible = kinds.filter((k) => !(k === 'corrupt' && isList));
    if (eligible.length === 0) return undefined;
    streak.set(id, (streak.get(id) ?? 0) + 1);
    return eligible[Math.floor(draw(0x9e3779b9) * eligible.length)];
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const up = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers: Array<[string, string]> = [];
            for (let i = 0; i < res.rawHeaders.length; i += 2) {
              const name = res.rawHeaders[i]!;
              // The body is re-sent whole with its own length.
              if (/^(content-length|transfer-encoding|connection|keep-alive)$/i.test(name)) continue;
              headers.push([name, res.rawHeaders[i + 1]!]);
            }
            resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  /** A response written byte by byte onto the socket, so its framing can be broken on purpose. */
  const rawHead = (u: Upstream): string =>
    `HTTP/1.1 ${u.status} X\r\n` + u.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + `Content-Length: ${u.body.length}\r\nConnection: close\r\n\r\n`;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const kind = choose(method, url);
    if (kind) faults.push({ kind, method, url });
    if (kind === 'hang') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        req.socket.destroy();
      }, hangMs);
      timers.add(timer);
      req.socket.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
      return;
    }
    if (kind === 'status-500' || kind === 'status-503' || kind === 'slowdown') {
      const e = ERRORS[kind];
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${e.message}</Message><RequestId>fault</RequestId></Error>`;
      res.writeHead(e.status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) });
      res.end(xml);
      return;
    }
    let up: Upstream;
    try {
      up = await forward(req, Buffer.concat(chunks));
    } catch {
      req.socket.destroy();
      return;
    }
    if (!kind || up.status >= 300 || up.body.length === 0) {
      res.writeHead(up.status, [...up.headers.flat(), 'Content-Length', String(up.body.length)]);
      res.end(up.body);
      return;
    }
    const socket = req.socket;
    const cut = Math.max(0, Math.floor(up.body.length / 2));
    if (kind === 'corrupt') {
      const body = Buffer.from(up.body);
      const at = hash(opts.seed, url) % body.length;
      body[at] = body[at]! ^ 0x5a;
      socket.end(Buffer.concat([Buffer.from(rawHead(up)), body]));
    } else if (kind === 'short') {
      socket.end(Buffer.concat([Buffer.from(rawHead(up)), up.body.subarray(0, cut)]));
    } else {
      // reset: let the part reach the client before the RST, so the body is really cut mid-way.
      socket.write(Buffer.concat([Buffer.from(rawHead(up)), up.body.subarray(0, cut)]), () => {
        setTimeout(() => socket.resetAndDestroy(), 20);
      });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }));
  const lifetime = setTimeout(() => void stop(), opts.lifetimeMs ?? 600_000);
  lifetime.unref();

  return {
    endpoint: `http://127.0.0.1:${port}`,
    faults,
    get requests() {
      return requests;
    },
    stop,
  };
}
