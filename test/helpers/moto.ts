import { dummyAwsEnv } from './aws-env.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoRequest {
  method: string;
  /** Path and query string, as the client sent them. */
  url: string;
  status: number;
}

export interface MotoServer {
  endpoint: string;
  /** Every HTTP request the server has answered, from its access log, in order. */
  requests: MotoRequest[];
  /** Resolves once the access log has caught up with every request answered so far. */
  settle(): Promise<void>;
  /** Environment for SDK clients (in-process or a child `ctrail`) talking to this server. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const INSTALL_HINT =
  "moto_server was not found on PATH. The test needs a real moto server: install it with `pip install 'moto[server]'` (moto 5.2 is expected).";

/**
 * Starts a real `moto_server` on 127.0.0.1 with a free port. Throws (failing the test, never skipping it)
 * with install instructions when moto is missing.
 */
export async function startMoto(opts: { accountId?: string } = {}): Promise<MotoServer> {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(INSTALL_HINT);
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_ACCOUNT_ID: opts.accountId ?? '111122223333' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const requests: MotoRequest[] = [];
  let partial = '';
  // werkzeug logs one line per request: 127.0.0.1 - - [date] "GET /path?query HTTP/1.1" 200 -
  const ACCESS = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/;
  child.stderr!.on('data', (b: Buffer) => {
    const text = partial + b.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = ACCESS.exec(line);
      if (m) requests.push({ method: m[1]!, url: m[2]!, status: Number(m[3]) });
      else stderr = (stderr + line + '\n').slice(-4000);
    }
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early: ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 30s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  requests.length = 0;
  return {
    endpoint,
    requests,
    settle: async () => {
      // The log line is written after the response; a marker request flushes everything before it.
      const marker = `/moto-api/?settle=${Date.now()}${Math.random()}`;
      await fetch(endpoint + marker);
      const deadline = Date.now() + 5000;
      while (!requests.some((r) => r.url === marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const i = requests.findIndex((r) => r.url === marker);
      if (i >= 0) requests.splice(i, 1);
    },
    env: { ...dummyAwsEnv, AWS_ENDPOINT_URL: endpoint },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
