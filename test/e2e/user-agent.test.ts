import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { buildGoodAccount } from '../helpers/audit-accounts.js';
import { dummyAwsEnv } from '../helpers/aws-env.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { buildCorpus } from '../helpers/history-corpus.js';
import { loadLogGroup } from '../helpers/log-group.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';

/**
 * What ctrail's calls look like to the account under investigation: a recording proxy in front of moto
 * keeps the User-Agent of every request each kind of client sends, reached through --endpoint-url.
 */
const ACCOUNT = '111122223333';
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
let s3: LocalS3;
let proxy: Server;
let proxyUrl: string;
const seen: Array<{ userAgent: string; api: string }> = [];

before(async () => {
  s3 = await startS3Server();
  await buildGoodAccount(s3.endpoint, ACCOUNT);
  await s3.createBucket('ua-trail');
  const demoFile = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/14/111122223333_CloudTrail_us-east-1_20260314T0338Z_E832F1569D275B6F.json.gz';
  await s3.put('ua-trail', demoFile, readFileSync(join(repoRoot, 'fixtures/demo', demoFile)));
  const logs = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: s3.endpoint, credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'x' } });
  try {
    await loadLogGroup(logs, 'ua-group', buildCorpus({ perRegion: 3, regions: ['us-east-1'], newest: new Date() }));
  } finally {
    logs.destroy();
  }
  const target = new URL(s3.endpoint);
  proxy = createServer((req, res) => {
    const userAgent = String(req.headers['user-agent'] ?? '');
    seen.push({ userAgent, api: /\bapi\/([\w-]+)#/.exec(userAgent)?.[1] ?? '?' });
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const addr = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

after(async () => {
  await new Promise((r) => proxy?.close(r));
  await s3?.stop();
});

test('every AWS call names ctrail and its version in the User-Agent, for every kind of client', async () => {
  // AWS_SDK_UA_APP_ID is what the SDK would send otherwise: ctrail names itself regardless.
  const env = { ...dummyAwsEnv, AWS_SDK_UA_APP_ID: 'someone-else' };
  const audit = await runCli(['audit', '--endpoint-url', proxyUrl, '-o', 'json'], { env });
  assert.ok(audit.code === 0 || audit.code === 1, `audit through --endpoint-url: ${audit.code} ${audit.stderr}`);
  assert.ok((JSON.parse(audit.stdout) as { checks: unknown[] }).checks.length > 0);
  const bucket = await runCli(['events', 's3://ua-trail/', '--endpoint-url', proxyUrl, '-o', 'ndjson', '-q'], { env });
  assert.equal(bucket.code, 0, bucket.stderr);
  const group = await runCli(['events', 'logs:ua-group', '--start', '1d', '--endpoint-url', proxyUrl, '-o', 'ndjson', '-q'], { env });
  assert.equal(group.code, 0, group.stderr);

  assert.ok(seen.length > 10, `${seen.length} requests`);
  for (const r of seen) assert.match(r.userAgent, new RegExp(` app/ctrail-${version.replace(/\./g, '\\.')}$`), r.userAgent);
  assert.ok(!seen.some((r) => r.userAgent.includes('someone-else')));
  // audit reads these services; the scans read S3 and CloudWatch Logs. All went through the flag's endpoint.
  const apis = new Set(seen.map((r) => r.api));
  for (const api of ['sts', 's3', 'cloudtrail', 'kms', 'cloudwatch-logs', 'cloudwatch', 'sns', 'eventbridge']) {
    assert.ok(apis.has(api), `a ${api} call went through --endpoint-url (${[...apis].join(', ')})`);
  }
});
