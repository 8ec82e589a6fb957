import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1 in front of a real server (moto) that answers the requests `fails` picks with
 * an S3-style 500 and passes every other request through untouched: a transient fault that outlives the
 * SDK's retries, on one object, with everything else real.
 */
export async function startFaultProxy(target: string, fails: (method: string, url: string) => boolean): Promise<{ endpoint: string; failed: string[]; stop(): Promise<void> }> {
  const to = new URL(target);
  const failed: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (fails(req.method ?? '', req.url ?? '')) {
      failed.push(req.url ?? '');
      req.resume();
      res.writeHead(500, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected fault</Message></Error>');
      return;
    }
    const up = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    failed,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
