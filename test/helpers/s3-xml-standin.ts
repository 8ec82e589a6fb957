import { createServer, type Server } from 'node:http';

/**
 * A tiny server speaking S3's REST-XML protocol, for answers moto cannot give: a refused call (moto does
 * not enforce IAM) or MFA delete (moto ignores it). The real S3 client talks to it over loopback.
 */
export interface S3XmlRequest {
  method: string;
  /** Path without the query, e.g. `/bucket`. */
  path: string;
  /** Query parameter names, e.g. `versioning`, `policy`. */
  query: string[];
}

export interface S3XmlReply {
  status: number;
  body: string;
}

export const accessDenied: S3XmlReply = {
  status: 403,
  body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>STANDIN0001</RequestId><HostId>standin</HostId></Error>',
};

export async function startS3XmlStandin(answer: (req: S3XmlRequest) => S3XmlReply): Promise<{ endpoint: string; calls: S3XmlRequest[]; stop(): Promise<void> }> {
  const calls: S3XmlRequest[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://standin');
      const call = { method: req.method ?? 'GET', path: url.pathname, query: [...url.searchParams.keys()] };
      calls.push(call);
      const reply = answer(call);
      res.writeHead(reply.status, { 'content-type': 'application/xml', 'x-amz-request-id': `STANDIN${calls.length}` });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { endpoint: `http://127.0.0.1:${port}`, calls, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
