import { createServer, type IncomingMessage, type Server } from 'node:http';

/**
 * A small HTTP server speaking the AWS JSON 1.1 protocol (POST /, X-Amz-Target: Prefix.Operation) for APIs
 * that moto lacks (CloudTrail LookupEvents, ListPublicKeys). The real SDK client talks to it over loopback.
 */
export interface JsonApiRequest {
  operation: string;
  /** From the SigV4 credential scope of the Authorization header. */
  region: string;
  accessKeyId: string;
  input: Record<string, unknown>;
}

export class JsonApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type JsonApiHandler = (req: JsonApiRequest) => unknown | Promise<unknown>;

export interface JsonApiStandin {
  endpoint: string;
  /** Every request received, in order, including refused ones. */
  calls: JsonApiRequest[];
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startJsonApiStandin(handlers: Record<string, JsonApiHandler>): Promise<JsonApiStandin> {
  const calls: JsonApiRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, errorType?: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': `standin-${calls.length}`,
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(JSON.stringify(body));
    };
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      // The JS SDK sends `CloudTrail_20131101.Op`; botocore sends the fully qualified name. Accept both.
      const operation = target.slice(target.lastIndexOf('.') + 1);
      const auth = String(req.headers.authorization ?? '');
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(auth);
      const raw = await readBody(req);
      const call: JsonApiRequest = {
        operation,
        region: scope?.[2] ?? 'us-east-1',
        accessKeyId: scope?.[1] ?? '',
        input: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      };
      calls.push(call);
      const handler = handlers[operation];
      if (!handler) throw new JsonApiError('UnknownOperationException', `stand-in does not implement ${operation}`);
      send(200, (await handler(call)) ?? {});
    } catch (err) {
      if (err instanceof JsonApiError) send(err.status, { __type: err.type, message: err.message }, err.type);
      else send(500, { __type: 'InternalFailure', message: String(err) }, 'InternalFailure');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
