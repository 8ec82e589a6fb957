import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildGoodAccount } from '../helpers/audit-accounts.js';
import { cliPath, repoRoot } from '../helpers/cli.js';
import { startCloudTrailStandin } from '../helpers/cloudtrail-standin.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { startS3Server, type LocalS3 } from '../helpers/s3server.js';
import { tempDir } from '../helpers/temp.js';
import { TrailFixture, makeKey, type FixtureKey } from '../helpers/trail-fixture.js';

/**
 * `ctrail … | head -1`: the reader goes away. Here it is gone before ctrail writes its first byte (the
 * parent closes its end of the pipe at once), so every write meets EPIPE. Each command must end quietly,
 * with no stack trace, and with the exit code docs/exit-codes.md gives for a reader that left.
 */
function readerGone(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function quiet(r: { code: number | null; signal: NodeJS.Signals | null; stderr: string }, code: number): void {
  assert.equal(r.signal, null);
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled|internal error|\n\s+at /, r.stderr);
  assert.equal(r.code, code, r.stderr);
}

const demo = join(repoRoot, 'fixtures/demo');
const tmp = tempDir('ctrail-reader-gone-');
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('streaming commands stop reading and exit 0 (the reader took what it wanted)', () => {
  for (const [name, args] of [
    ['events', ['events', demo]],
    ['events -o table', ['events', demo, '-o', 'table']],
    ['count', ['count', demo, '-o', 'csv']],
    ['insights', ['insights', demo, '-o', 'table']],
    ['hunt', ['hunt', '--rules', 'fixtures/sigma/rules', 'fixtures/sigma/records.ndjson']],
  ] as const) {
    test(name, async () => quiet(await readerGone([...args, '-q']), 0));
  }
});

describe('report commands keep their answer\'s code', () => {
  test('find-deletion', async () => quiet(await readerGone(['find-deletion', 'orders', demo, '-q']), 0));
  test('trace', async () => quiet(await readerGone(['trace', 'ASIAZ7ADMINSESSION01', demo, '-o', 'table', '-q']), 0));
  test('activity', async () => quiet(await readerGone(['activity', 'ASIAZ7ADMINSESSION01', demo, '-o', 'json', '-q']), 0));
});

describe('validate, mirror and audit', () => {
  const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T06:00:00Z'];
  let key: FixtureKey;
  let mirrorDir: string;
  let s3: LocalS3;
  let moto: MotoServer;
  const fx = new TrailFixture();

  before(async () => {
    key = makeKey();
    // Enough digests that the --verbose text outgrows a pipe's buffer, as in the report that found the crash.
    fx.addChain({ bucket: 'gone', prefix: '', account: '111111111111', region: 'us-east-1', trailName: 't', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 120, key });
    mirrorDir = join(tmp, 'mirror');
    fx.writeMirror(mirrorDir, 'gone', { window: { start: new Date('2026-03-14T01:00:00Z'), end: new Date('2026-03-19T00:00:00Z') }, keys: [key] });
    [s3, moto] = await Promise.all([startS3Server(), startMoto({ accountId: '111122223333' })]);
    await s3.createBucket('gone');
    for (const [k, o] of fx.buckets.get('gone')!) await s3.put('gone', k, o.body, o.metadata);
    await buildGoodAccount(moto.endpoint, '111122223333');
  });
  after(async () => {
    await Promise.all([s3?.stop(), moto?.stop()]);
  });

  const offline = { AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' };
  test('validate --verbose (the table form)', async () => quiet(await readerGone(['validate', mirrorDir, '--verbose', '-o', 'table'], offline), 0));
  test('validate -o json', async () => quiet(await readerGone(['validate', mirrorDir, '-o', 'json'], offline), 0));
  test('mirror', async () => {
    const ct = await startCloudTrailStandin({ keys: { 'us-east-1': [key] }, trails: [] });
    try {
      quiet(await readerGone(['mirror', 's3://gone/', join(tmp, 'copy'), ...WINDOW], { ...s3.env, AWS_ENDPOINT_URL_CLOUDTRAIL: ct.endpoint }), 0);
    } finally {
      await ct.stop();
    }
  });
  test('audit (one check fails on moto: 1)', async () => quiet(await readerGone(['audit', '-o', 'table'], moto.env), 1));
});
