import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { zstdCompress } from '../helpers/zstd.js';

/**
 * A thousand zstd inputs in one process. The Emscripten decoder ctrail once used grew its heap with every
 * input, failed after about 86 of them, and printed `abort(OOM)` on stdout in the middle of the NDJSON.
 * The native decoder must give the same bytes as the plain copy, every event, and memory that stays flat.
 */
const FILES = 1000;
const PER_FILE = 20;
/** RSS is sampled once this many events have been written, i.e. after about the first 100 inputs. */
const EARLY_MARK = 100 * PER_FILE;

function trailFile(n: number): Buffer {
  return Buffer.from(JSON.stringify({ Records: trailRecords(n) }));
}

function trailRecords(n: number): object[] {
  return Array.from({ length: PER_FILE }, (_, i) => ({
    eventVersion: '1.09',
    eventTime: new Date(Date.UTC(2026, 2, 14, 0, 0, 0) + (n * PER_FILE + i) * 1000).toISOString().replace('.000Z', 'Z'),
    eventSource: 's3.amazonaws.com',
    eventName: i % 2 ? 'GetObject' : 'PutObject',
    awsRegion: 'us-east-1',
    eventID: `zstd-${n}-${i}`,
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/loader', accessKeyId: 'AKIAZSTDLOADER000001' },
    requestParameters: { bucketName: 'evidence', key: `objects/${n}/${i}/${'x'.repeat(200)}` },
  }));
}

/** Preloaded into the CLI: notes RSS when EARLY_MARK events have reached stdout, and again at exit. */
const PRELOAD = `
import { isMainThread } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
if (isMainThread) {
  const out = process.env.CTRAIL_TEST_RSS_FILE;
  const mark = Number(process.env.CTRAIL_TEST_RSS_MARK);
  let lines = 0;
  let early;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const c of text) if (c === '\\n') lines++;
    if (early === undefined && lines >= mark) early = { rss: process.memoryUsage.rss(), lines };
    return write(chunk, ...rest);
  };
  process.on('exit', () => writeFileSync(out, JSON.stringify({ early, end: { rss: process.memoryUsage.rss(), lines } })));
}
`;

test('a thousand zstd inputs in one process: stdout byte-exact, every event, RSS flat', async (t) => {
  const root = tempDir('ctrail-zstd-many-');
  const zstdDir = join(root, 'zstd');
  const plainDir = join(root, 'plain');
  mkdirSync(zstdDir);
  mkdirSync(plainDir);
  for (let n = 0; n < FILES; n++) {
    const name = `111122223333_CloudTrail_us-east-1_20260314T0000Z_${String(n).padStart(6, '0')}.json`;
    const body = trailFile(n);
    writeFileSync(join(plainDir, name), body);
    writeFileSync(join(zstdDir, `${name}.zst`), await zstdCompress(body));
  }
  const preload = join(root, 'rss-preload.mjs');
  writeFileSync(preload, PRELOAD);
  const rssFile = join(root, 'rss.json');

  const zstd = await runCli(['events', zstdDir, '-o', 'ndjson'], {
    env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}`, CTRAIL_TEST_RSS_FILE: rssFile, CTRAIL_TEST_RSS_MARK: String(EARLY_MARK) },
  });
  assert.equal(zstd.code, 0, zstd.stderr);
  assert.equal(zstd.stderr, '');
  const plain = await runCli(['events', plainDir, '-o', 'ndjson']);
  assert.equal(plain.code, 0, plain.stderr);

  const lines = zstd.stdout.split('\n');
  assert.equal(lines.pop(), '', 'stdout ends with a line break');
  assert.equal(lines.length, FILES * PER_FILE);
  const ids = new Set(lines.map((l) => (JSON.parse(l) as { eventID: string }).eventID));
  assert.equal(ids.size, FILES * PER_FILE);
  assert.ok(ids.has(`zstd-${FILES - 1}-${PER_FILE - 1}`));
  // Byte for byte what the same events give uncompressed: nothing added, lost or glued together.
  assert.equal(zstd.stdout, plain.stdout);

  const rss = JSON.parse(readFileSync(rssFile, 'utf8')) as { early?: { rss: number; lines: number }; end: { rss: number; lines: number } };
  assert.ok(rss.early, 'RSS was sampled after the first hundred inputs');
  assert.ok(rss.early.lines < rss.end.lines / 2, `the early sample came at ${rss.early.lines} of ${rss.end.lines} lines`);
  // Generous: a decoder that kept even 100 KiB per input would add ~90 MiB over the remaining 900 inputs.
  const grownMiB = (rss.end.rss - rss.early.rss) / 2 ** 20;
  const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
  t.diagnostic(`RSS ${mib(rss.early.rss)} MiB after ${rss.early.lines} lines, ${mib(rss.end.rss)} MiB after ${rss.end.lines}`);
  assert.ok(grownMiB < 64, `RSS grew ${grownMiB.toFixed(1)} MiB between input ~100 and input ${FILES}`);
});

test('a cut zstd file keeps the records before the cut, is named on stderr, and the other inputs are read: exit 1', async () => {
  const root = tempDir('ctrail-zstd-cut-');
  const whole = join(root, 'whole.json.zst');
  const cut = join(root, 'cut.json.zst');
  writeFileSync(whole, await zstdCompress(trailFile(1)));
  const records = Array.from({ length: 150 }, (_, n) => trailRecords(10 + n)).flat();
  const zst = await zstdCompress(Buffer.from(JSON.stringify({ Records: records })));
  writeFileSync(cut, zst.subarray(0, Math.floor(zst.length / 2)));
  const r = await runCli(['events', cut, whole, '-o', 'ndjson']);
  assert.equal(r.code, 1);
  const ids = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { eventID: string }).eventID);
  assert.ok(ids.includes('zstd-1-0') && ids.includes(`zstd-1-${PER_FILE - 1}`), 'the whole file is read');
  const fromCut = ids.filter((id) => !id.startsWith('zstd-1-')).length;
  assert.ok(fromCut > 100 && fromCut < 150 * PER_FILE, `${fromCut} records read before the cut`);
  assert.match(r.stderr, /cut\.json\.zst: corrupt or truncated zstd data \(it ends inside a frame\); the \d+ records before it were read/);
});
