// Runs s3rver in its own process (it needs --openssl-legacy-provider for its DES continuation tokens, which
// must not leak into the process under test). Prints one JSON line per request on stdout, so tests can
// assert which keys were listed and fetched.
import { createServer } from 'node:http';
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver';

interface S3rverApp {
  configureBuckets(): Promise<void>;
  callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
}

const directory = process.argv[2];
if (!directory) throw new Error('usage: s3rver-child DIR');
const app = new S3rver({ directory, silent: true, configureBuckets: [] }) as S3rverApp;
await app.configureBuckets();
const handle = app.callback();
const server = createServer((req, res) => {
  process.stdout.write(JSON.stringify({ log: { method: req.method, url: req.url } }) + '\n');
  handle(req, res);
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  if (addr && typeof addr === 'object') process.stdout.write(JSON.stringify({ port: addr.port }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
