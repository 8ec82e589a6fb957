import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { TrailFixture, makeKey } from '../helpers/trail-fixture.js';
import { assumedRole, iamUser, layoutTrail, makeEvent, writeTrail } from '../helpers/trail-builder.js';
import type { CloudTrailEvent } from '../../src/cloudtrail/event.js';
import { tempDir } from '../helpers/temp.js';

/**
 * No crash, ever (issue 15, point 8). Worker threads that were torn down while V8 still had background work
 * for them crashed Node at exit (`Assertion failed: (data.first) != nullptr` in `NodePlatform::ForIsolate`,
 * a native stack dump and no exit code a script can read), one run in four on a busy two-core machine.
 * Each scanning command runs here many times with two worker threads, several runs at once so the machine
 * is busy: ending normally, on a fatal error in the middle of the scan, and with its reader gone. Every run
 * must end with the same exit code as the others and print no stack trace.
 */
const RUNS = 6;
const AT_ONCE = 3;

const tmp = tempDir('ctrail-stress-');
const mirror = join(tmp, 'mirror');
/** About 12 MB of events in a few hundred files: workers are still busy (and collecting garbage) when a reader goes away. */
const big = join(tmp, 'big');
const WINDOW = ['--start-time', '2026-03-14T01:00:00Z', '--end-time', '2026-03-14T05:00:00Z'];

before(() => {
  const events: CloudTrailEvent[] = [];
  const admin = iamUser('111122223333', 'ops-admin', 'AKIAZ7OPSADMINKEY001');
  for (let i = 0; i < 16000; i++) {
    const when = new Date(Date.UTC(2026, 2, 1) + i * 9_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const region = ['us-east-1', 'eu-west-1'][i % 2]!;
    // One call in ten issues credentials: the forensics commands parse those, as on a real trail.
    const issuing = i % 10 === 0;
    events.push(
      makeEvent(
        {
          eventTime: when,
          eventSource: issuing ? 'sts.amazonaws.com' : 'dynamodb.amazonaws.com',
          eventName: issuing ? 'AssumeRole' : i === 15001 ? 'DeleteTable' : 'PutItem',
          awsRegion: region,
          userIdentity: issuing ? admin : assumedRole('111122223333', 'App', `s-${i % 7}`, `ASIASTRESS${String(i % 7).padStart(10, '0')}`, when),
          requestParameters: issuing ? { roleArn: 'arn:aws:iam::111122223333:role/App', roleSessionName: `s-${i % 7}` } : { tableName: `t-${i % 5}` },
        },
        String(i),
      ),
    );
  }
  writeTrail(big, layoutTrail(events));
  const fx = new TrailFixture();
  fx.addChain({ bucket: 'stress', prefix: '', account: '111111111111', region: 'us-east-1', trailName: 'trail', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 4, logsPerHour: 4, key: makeKey() });
  fx.writeMirror(mirror, 'stress', { window: { start: new Date('2026-03-14T01:00:00Z'), end: new Date('2026-03-14T05:00:00Z') } });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const demo = 'fixtures/demo';
const T2 = ['--threads', '2'];
/** An S3 endpoint where nothing listens: listing fails with a fatal error after the local inputs started. */
const deadS3 = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
};

interface Case {
  name: string;
  args: string[];
  /** Exit codes a run may end with (the first run's must then repeat). */
  codes: number[];
  env?: NodeJS.ProcessEnv;
  /** Close stdout after the first bytes, as `| head -c 1` does. */
  closeEarly?: boolean;
}

const cases: Case[] = [
  { name: 'events', args: ['events', demo, ...T2, '-o', 'ndjson'], codes: [0] },
  { name: 'events, reader gone', args: ['events', big, ...T2, '-o', 'ndjson'], codes: [0], closeEarly: true },
  { name: 'events, fatal error mid-scan', args: ['events', demo, 's3://no-such-endpoint/', ...T2, '-o', 'ndjson'], codes: [2], env: deadS3 },
  { name: 'count', args: ['count', demo, ...T2, '--by', 'eventName', '-o', 'ndjson'], codes: [0] },
  { name: 'hunt', args: ['hunt', demo, '--rules', 'fixtures/sigma/rules', ...T2, '-o', 'ndjson'], codes: [0] },
  { name: 'hunt, reader gone', args: ['hunt', demo, '--rules', 'fixtures/sigma/rules', ...T2, '-o', 'ndjson'], codes: [0], closeEarly: true },
  { name: 'find-deletion', args: ['find-deletion', 'orders', demo, '--identity-source', demo, ...T2, '-o', 'ndjson'], codes: [0] },
  { name: 'find-deletion, a larger trail', args: ['find-deletion', 't-1', big, '--identity-source', big, ...T2, '-o', 'ndjson'], codes: [0] },
  { name: 'find-deletion, reader gone', args: ['find-deletion', 'orders', demo, ...T2, '-o', 'json'], codes: [0], closeEarly: true },
  { name: 'trace', args: ['trace', 'ASIAZ7ADMINSESSION01', demo, '--identity-source', demo, ...T2, '-o', 'ndjson'], codes: [0] },
  { name: 'activity', args: ['activity', 'ops-admin', demo, '--identity-source', demo, ...T2, '-o', 'ndjson'], codes: [0] },
  { name: 'activity, reader gone', args: ['activity', 'ops-admin', big, ...T2, '-o', 'ndjson'], codes: [0], closeEarly: true },
  // The verdict is not what this test checks (tail coverage: docs/commands/validate.md): 0 or 1 are tolerated.
  { name: 'validate', args: ['validate', mirror, ...WINDOW, ...T2, '--verbose'], codes: [0, 1] },
];

/** Runs the CLI and closes its stdout as soon as the first bytes arrive, the way `| head -c 1` does. */
function runClosingStdout(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const err: Buffer[] = [];
    let first = '';
    child.stdout.once('data', (b: Buffer) => {
      first = b.toString('utf8', 0, Math.min(b.length, 64));
      child.stdout.destroy();
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: first, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** What a crash leaves on stderr: a native assertion, a V8 fatal error, a JavaScript stack, an internal error. */
const CRASH = /Assertion failed|FATAL ERROR|node::|^\s+at .+:\d+:\d+\)?$|internal error|Unhandled/m;

for (const c of cases) {
  test(`${c.name}: ${RUNS} runs with two worker threads, ${AT_ONCE} at a time, all end cleanly`, async () => {
    const results: CliResult[] = [];
    for (let i = 0; i < RUNS; i += AT_ONCE) {
      const batch = Array.from({ length: Math.min(AT_ONCE, RUNS - i) }, () => (c.closeEarly ? runClosingStdout(c.args, c.env) : runCli(c.args, c.env ? { env: c.env } : {})));
      results.push(...(await Promise.all(batch)));
    }
    for (const [i, r] of results.entries()) {
      assert.equal(r.signal, null, `run ${i + 1} was killed by ${r.signal}:\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, CRASH, `run ${i + 1} crashed`);
      assert.ok(c.codes.includes(r.code!), `run ${i + 1} exited ${r.code}, expected one of ${c.codes.join(', ')}:\n${r.stderr}`);
      assert.equal(r.code, results[0]!.code, `run ${i + 1} exited ${r.code}, run 1 exited ${results[0]!.code}`);
    }
    if (c.closeEarly) assert.ok(results.every((r) => r.stdout.length > 0), 'the reader got output before it went away');
    // A run that ends normally prints the same answer every time (a fatal error may come after some output).
    else if (!c.codes.includes(2)) for (const r of results) assert.equal(r.stdout, results[0]!.stdout);
  });
}
