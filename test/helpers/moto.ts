import { dummyAwsEnv } from './aws-env.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

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

const INSTALL_HINT =
  "moto_server was not found on PATH. The test needs a real moto server: install it with `pip install 'moto[server]'` (moto 5.2 is expected).";

/**
 * Starts a real `moto_server` on 127.0.0.1 with a free port. Throws (failing the test, never skipping it)
 * with install instructions when moto is missing.
 */
export async function startMoto(opts: { accountId?: string } = {}): Promise<MotoServer> {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(INSTALL_HINT);
  // Port 0: moto binds a free port itself and names it in its banner. Picking a free port here and handing it
  // over left a window in which a parallel test file's server could take it, and this file then talked to a
  // server that vanished when its owner stopped it.
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', '0'], {
    env: { ...process.env, MOTO_ACCOUNT_ID: opts.accountId ?? '111122223333' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const requests: MotoRequest[] = [];
  let partial = '';
  let announced: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => (announced = resolve));
  // werkzeug logs one line per request: 127.0.0.1 - - [date] "GET /path?query HTTP/1.1" 200 -
  const ACCESS = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/;
  const BANNER = /Running on http:\/\/127\.0\.0\.1:(\d+)/;
  child.stderr!.on('data', (b: Buffer) => {
    const text = partial + b.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = ACCESS.exec(line);
      const banner = BANNER.exec(line);
      if (m) requests.push({ method: m[1]!, url: m[2]!, status: Number(m[3]) });
      else if (banner) announced(Number(banner[1]));
      else stderr = (stderr + line + '\n').slice(-4000);
    }
  });
  let exited = false;
  let stopping = false;
  child.once('exit', (code, signal) => {
    exited = true;
    // A server that dies under a running test turns every later call into "socket hang up"; say why here.
    if (!stopping) process.stderr.write(`moto_server exited unexpectedly (${signal ?? code}): ${stderr}\n`);
  });
  const timeout = new Promise<never>((_, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`moto_server did not start within 30s: ${stderr}`));
    }, 30_000);
    t.unref();
    port.then(() => clearTimeout(t), () => clearTimeout(t));
    child.once('exit', () => reject(new Error(`moto_server exited early: ${stderr}`)));
  });
  // Once the banner is in, the timeout's later rejection (when the server is stopped) is nobody's concern.
  timeout.catch(() => {});
  const endpoint = `http://127.0.0.1:${await Promise.race([port, timeout])}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`moto_server exited early: ${stderr}`);
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
        stopping = true;
        if (child.exitCode !== null || exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
