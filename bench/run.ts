import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ensureCorpus, PLANTED_TABLE, trailDir, type CorpusManifest } from './corpus.js';
import { ensureSignedCopy } from './signed.js';
import { ensureDuckdb } from './duckdb-pkg.js';

/**
 * `npm run bench [-- --size 1GB | --quick] [--runs N]`: generates (once) a deterministic trail corpus and
 * times ctrail against the decompression ceiling, jq and DuckDB on the same files, in one run. Every case
 * checks its answer against the corpus manifest, so a fast wrong answer fails the bench (exit 1).
 * Timings are reported, never asserted.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const ctrail = join(repo, 'bin', 'ctrail.js');

interface Args {
  size: number;
  quick: boolean;
  runs: number;
  out?: string;
  singleFile: boolean;
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?b?$/i.exec(text.trim());
  if (!m) throw new Error(`--size ${text}: expected e.g. 1GB, 200MB`);
  const unit = { k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { size: 1e9, quick: false, runs: 3, singleFile: true };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--quick') a.quick = true;
    else if (v === '--size') a.size = parseSize(argv[++i] ?? '');
    else if (v === '--runs') a.runs = Number(argv[++i]);
    else if (v === '--out') a.out = argv[++i]!;
    else if (v === '--no-single-file') a.singleFile = false;
    else throw new Error(`unknown argument ${v}`);
  }
  if (a.quick) {
    a.size = Math.min(a.size, 12e6);
    a.runs = 1;
  }
  return a;
}

interface RunResult {
  wallMs: number;
  peakRssKb?: number;
  stdout: string;
  stderr: string;
  code: number;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command (through sh), measuring wall time and, with GNU time, the peak RSS of the process tree's largest member. */
function run(cmd: string, opts: { stdoutTo?: string } = {}): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const wrapped = TIME ? `${TIME} -f '__RSS__%M' sh -c ${shq(cmd)}` : cmd;
    const outFd = opts.stdoutTo ? openSync(opts.stdoutTo, 'w') : undefined;
    const t0 = performance.now();
    const child = spawn('sh', ['-c', wrapped], {
      stdio: ['ignore', outFd ?? 'pipe', 'pipe'],
      env: process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (outFd !== undefined) closeSync(outFd);
      let stderr = Buffer.concat(err).toString();
      let peakRssKb: number | undefined;
      const m = /__RSS__(\d+)\s*$/.exec(stderr);
      if (m) {
        peakRssKb = Number(m[1]);
        stderr = stderr.slice(0, m.index);
      }
      resolveRun({ wallMs, stdout: Buffer.concat(out).toString(), stderr, code: code ?? 1, ...(peakRssKb !== undefined ? { peakRssKb } : {}) });
    });
  });
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface CaseResult {
  name: string;
  group: 'needle' | 'broad' | 'ceiling' | 'other';
  tool: string;
  wallMs: number[];
  peakRssKb: number;
  events?: number;
  ok: boolean;
  note: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function sameSet(a: string[], b: string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

async function timeCase(
  name: string,
  group: CaseResult['group'],
  tool: string,
  cmd: string,
  runs: number,
  check: (r: RunResult) => string | undefined,
  opts: { stdoutTo?: string; events?: number } = {},
): Promise<CaseResult> {
  const walls: number[] = [];
  let rss = 0;
  let problem: string | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await run(cmd, opts);
    walls.push(r.wallMs);
    rss = Math.max(rss, r.peakRssKb ?? 0);
    if (r.code !== 0) problem = `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`;
    else problem ??= check(r);
    process.stderr.write(`  ${name}: ${(r.wallMs / 1000).toFixed(2)} s${problem ? `  WRONG: ${problem}` : ''}\n`);
    // A slow peer (jq) is timed once: its median would not change the verdict.
    if (r.wallMs > 20_000) break;
  }
  return { name, group, tool, wallMs: walls, peakRssKb: rss, ...(opts.events !== undefined ? { events: opts.events } : {}), ok: !problem, note: problem ?? '' };
}

/** Every account/region summary must read "N/N … valid", and the log files must add up to the corpus's. */
function checkValidate(stdout: string, logFiles: number, digests: number): string | undefined {
  const sum = (what: string) => {
    let valid = 0;
    let bad = false;
    for (const m of stdout.matchAll(new RegExp(`(\\d+)/(\\d+) ${what} files valid`, 'g'))) {
      valid += Number(m[1]);
      if (m[1] !== m[2]) bad = true;
    }
    return { valid, bad };
  };
  const logs = sum('log');
  const digs = sum('digest');
  if (logs.bad || logs.valid !== logFiles) return `${logs.valid} log files valid, the corpus has ${logFiles}`;
  if (digs.bad || digs.valid !== digests) return `${digs.valid} digest files valid, the signed copy has ${digests}`;
  return undefined;
}

function idsFromNdjson(text: string): string[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { eventID: string }).eventID);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const corpusDir = join(repo, 'bench', 'corpus', `size-${args.size}`);
  const work = join(repo, 'bench', '.work');
  mkdirSync(work, { recursive: true });
  process.stderr.write(`bench: corpus of ${(args.size / 1e6).toFixed(0)} MB in ${corpusDir}\n`);
  const m: CorpusManifest = ensureCorpus({ bytesTarget: args.size, dir: corpusDir, log: (l) => process.stderr.write(`  ${l}\n`) });
  const trail = trailDir(corpusDir);
  const fileList = join(work, 'files.txt');
  writeFileSync(fileList, m.files.map((f) => join(trail, ...f.split('/'))).join('\n') + '\n');
  const hasCommand = (name: string) => existsSync(join(repo, 'dist', 'src', 'cli', `${name}.js`));
  const results: CaseResult[] = [];
  const R = args.runs;
  const loadAtStart = loadavg()[0]!;

  results.push(
    await timeCase('bare Node gunzip (all cores)', 'ceiling', 'node', `node ${join(here, 'gunzip.js')} ${fileList}`, R, (r) =>
      Number(r.stdout.trim()) === m.uncompressedBytes ? undefined : `gunzipped ${r.stdout.trim()} bytes, corpus has ${m.uncompressedBytes}`,
    ),
  );
  results.push(
    await timeCase('ctrail events --event-name DeleteTable', 'needle', 'ctrail', `node ${ctrail} events ${trail} --event-name DeleteTable -o ndjson -q`, R, (r) =>
      sameSet(idsFromNdjson(r.stdout), m.deleteTableIds) ? undefined : 'found other events than the planted deletions',
    { events: m.events }),
  );
  results.push(
    await timeCase('ctrail events --event-name DeleteTable --threads 1', 'needle', 'ctrail-1', `node ${ctrail} events ${trail} --event-name DeleteTable -o ndjson -q --threads 1`, R, (r) =>
      sameSet(idsFromNdjson(r.stdout), m.deleteTableIds) ? undefined : 'found other events than the planted deletions',
    { events: m.events }),
  );
  if (hasCommand('find-deletion')) {
    results.push(
      await timeCase(`ctrail find-deletion ${PLANTED_TABLE}`, 'needle', 'ctrail-fd', `node ${ctrail} find-deletion ${PLANTED_TABLE} ${trail} -o ndjson -q`, R, (r) =>
        m.plantedIds.every((id) => r.stdout.includes(id)) ? undefined : 'missed a planted deletion',
      { events: m.events }),
    );
  }
  if (hasCommand('activity')) {
    // The forward closure of the first planted session key: its only use is the planted DeleteTable. The
    // command still indexes every credential-issuing event of the corpus (pass 1) before reading the key set (pass 2).
    results.push(
      await timeCase('ctrail activity ASIAPLANTEDKEY00000', 'needle', 'ctrail-activity', `node ${ctrail} activity ASIAPLANTEDKEY00000 ${trail} -o ndjson -q`, R, (r) =>
        sameSet(idsFromNdjson(r.stdout), m.plantedIds.slice(0, 1)) ? undefined : 'found other events than the planted session\'s deletion',
      { events: m.events }),
    );
  }
  const devnull = '/dev/null';
  results.push(
    await timeCase('ctrail events --write-only -o ndjson > /dev/null', 'broad', 'ctrail', `node ${ctrail} events ${trail} --write-only -o ndjson -q`, R, () => undefined, { stdoutTo: devnull, events: m.events }),
  );
  // The broad scan's answer, checked once outside the timing (counting lines in this process would slow it).
  const broad = await run(`node ${ctrail} events ${trail} --write-only -o ndjson -q | wc -l`);
  const broadCount = Number(broad.stdout.trim());
  const broadCase = results[results.length - 1]!;
  if (broadCount !== m.writeEvents) {
    broadCase.ok = false;
    broadCase.note = `printed ${broadCount} write events, corpus has ${m.writeEvents}`;
  }
  if (hasCommand('validate')) {
    // A locally signed copy of the same files (hard links) with hourly digest chains; built once, cached.
    const signed = ensureSignedCopy(corpusDir, m, (l) => process.stderr.write(`  ${l}\n`));
    results.push(
      await timeCase('gunzip + SHA-256 of every log file (all cores)', 'ceiling', 'node-sha256', `node ${join(here, 'gunzip.js')} ${fileList} --sha256`, R, (r) =>
        r.stdout.trim() === `${m.uncompressedBytes} ${m.files.length}` ? undefined : `gunzipped+hashed "${r.stdout.trim()}", corpus has ${m.uncompressedBytes} bytes in ${m.files.length} files`,
      ),
    );
    results.push(
      await timeCase(
        'ctrail validate (locally signed copy)',
        'other',
        'ctrail-validate',
        `node ${ctrail} validate ${signed.dir} -o table --start-time ${signed.start} --end-time ${signed.end}`,
        R,
        (r) => checkValidate(r.stdout, m.files.length, signed.digests),
      ),
    );
  }
  const jqFilter = `.Records[] | select(.eventName == "DeleteTable") | .eventID`;
  results.push(
    await timeCase('zcat | jq (same needle query)', 'needle', 'jq', `tr '\\n' '\\0' < ${fileList} | xargs -0 zcat | /usr/bin/jq -r ${shq(jqFilter)}`, R, (r) =>
      sameSet(r.stdout.split('\n').filter(Boolean), m.deleteTableIds) ? undefined : 'jq found other events',
    { events: m.events }),
  );
  ensureDuckdb(); // outside the timed cases: the first run installs it
  results.push(
    await timeCase('DuckDB read_json, same needle query', 'needle', 'duckdb', `node ${join(here, 'duckdb.js')} ${trail} needle`, R, (r) =>
      sameSet((JSON.parse(r.stdout) as { ids: string[] }).ids, m.deleteTableIds) ? undefined : 'DuckDB found other events',
    { events: m.events }),
  );
  results.push(
    await timeCase('DuckDB read_json, count(*)', 'broad', 'duckdb', `node ${join(here, 'duckdb.js')} ${trail} count`, R, (r) => {
      const got = JSON.parse(r.stdout) as { events: number; writes: number };
      return got.events === m.events && got.writes === m.writeEvents ? undefined : `DuckDB counted ${got.events}/${got.writes}`;
    }, { events: m.events }),
  );

  // One big log file (an uncompressed single-file export), generated on the fly: memory must stay flat.
  if (args.singleFile && !args.quick) {
    const big = join(work, `single-file-v${m.version}-${m.bytesTarget}.json.gz`);
    if (!existsSync(big)) writeFileSync(big, singleBigFile(m, trail, Math.min(args.size, 1e9)));
    results.push(
      await timeCase('ctrail events on one 1 GB log file', 'other', 'ctrail-big', `node ${ctrail} events ${big} --event-name DeleteTable -o ndjson -q`, 1, (r) =>
        m.deleteTableIds.every((id) => r.stdout.includes(id)) ? undefined : 'missed a deletion',
      ),
    );
  }

  const report = renderReport(args, m, results, [loadAtStart, loadavg()[0]!]);
  process.stdout.write(report.table + '\n');
  const out = args.out ?? (args.quick ? join(work, 'RESULTS-quick.md') : join(repo, 'bench', 'RESULTS.md'));
  writeFileSync(out, report.markdown);
  process.stderr.write(`bench: wrote ${out}\n`);
  const wrong = results.filter((r) => !r.ok);
  for (const w of wrong) process.stderr.write(`bench: WRONG ANSWER: ${w.name}: ${w.note}\n`);
  return wrong.length ? 1 : 0;
}

/** Concatenates the corpus's records into one {"Records":[…]} gzip file of about `bytes` uncompressed. */
function singleBigFile(m: CorpusManifest, trail: string, bytes: number): Buffer {
  const parts: Buffer[] = [Buffer.from('{"Records":[')];
  let size = 0;
  let first = true;
  for (const f of m.files) {
    const text = JSON.stringify((JSON.parse(gunzipText(join(trail, ...f.split('/')))) as { Records: unknown[] }).Records);
    const inner = text.slice(1, -1);
    if (!inner) continue;
    parts.push(Buffer.from((first ? '' : ',') + inner));
    first = false;
    size += inner.length;
    if (size >= bytes) break;
  }
  parts.push(Buffer.from(']}'));
  return gzipSync(Buffer.concat(parts), { level: 1 });
}

function gunzipText(path: string): string {
  return gunzipSync(readFileSync(path)).toString();
}

function renderReport(args: Args, m: CorpusManifest, results: CaseResult[], load: [number, number]) {
  const byTool = (tool: string) => results.find((r) => r.tool === tool);
  const mb = m.uncompressedBytes / 1e6;
  const rows = results.map((r) => {
    const s = median(r.wallMs) / 1000;
    return { r, s, mbps: mb / s, eps: r.events !== undefined ? r.events / s : undefined };
  });
  const speed = (tool: string) => {
    const r = byTool(tool);
    return r ? mb / (median(r.wallMs) / 1000) : undefined;
  };
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : '–');
  const duckNeedle = results.find((r) => r.tool === 'duckdb' && r.group === 'needle');
  const duckCount = results.find((r) => r.tool === 'duckdb' && r.group === 'broad');
  const jq = byTool('jq');
  const ceiling = byTool('node');
  const header = '| case | median wall | MB/s | events/s | peak RSS | vs DuckDB | vs jq | vs gunzip | answer |';
  const lines = [header, '|---|---:|---:|---:|---:|---:|---:|---:|---|'];
  for (const { r, s, mbps, eps } of rows) {
    const duck = r.group === 'broad' ? duckCount : duckNeedle;
    // Peers do not validate: a ratio to their queries would mean nothing.
    const noPeer = r.group === 'ceiling' || r.tool === 'ctrail-validate';
    const duckMbps = duck ? mb / (median(duck.wallMs) / 1000) : undefined;
    lines.push(
      `| ${r.name} | ${s.toFixed(2)} s | ${mbps.toFixed(0)} | ${eps !== undefined ? Math.round(eps).toLocaleString('en-US') : '–'} | ${r.peakRssKb ? (r.peakRssKb / 1024).toFixed(0) + ' MB' : '–'} | ${r === duck ? '1×' : noPeer ? '–' : ratio(mbps, duckMbps)} | ${r === jq ? '1×' : noPeer ? '–' : ratio(mbps, jq ? speed('jq') : undefined)} | ${ratio(mbps, ceiling ? speed('node') : undefined)} | ${r.ok ? (r.events === undefined ? 'checked' : 'same events') : 'WRONG: ' + r.note} |`,
    );
  }
  const needle = speed('ctrail') !== undefined ? mb / (median(results.find((r) => r.name === 'ctrail events --event-name DeleteTable')!.wallMs) / 1000) : undefined;
  const broad = results.find((r) => r.tool === 'ctrail' && r.group === 'broad');
  const broadMbps = broad ? mb / (median(broad.wallMs) / 1000) : undefined;
  const validateMbps = speed('ctrail-validate');
  const maxRss = Math.max(...results.filter((r) => r.tool.startsWith('ctrail')).map((r) => r.peakRssKb)) / 1024;
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**not met**');
  const duckNeedleMbps = duckNeedle ? mb / (median(duckNeedle.wallMs) / 1000) : undefined;
  const duckCountMbps = duckCount ? mb / (median(duckCount.wallMs) / 1000) : undefined;
  const targets = [
    `- needle query ≥ 2× DuckDB: ${ratio(needle, duckNeedleMbps)} → ${verdict(needle && duckNeedleMbps ? needle >= 2 * duckNeedleMbps : undefined)}`,
    `- needle query ≥ 15× jq: ${ratio(needle, speed('jq'))} → ${verdict(needle && jq ? needle >= 15 * speed('jq')! : undefined)}`,
    `- needle query ≥ 70% of bare gunzip on the same cores: ${ratio(needle, speed('node'))} → ${verdict(needle && ceiling ? needle >= 0.7 * speed('node')! : undefined)}`,
    `- broad write-only NDJSON scan ≥ DuckDB count(*): ${ratio(broadMbps, duckCountMbps)} → ${verdict(broadMbps && duckCountMbps ? broadMbps >= duckCountMbps : undefined)}`,
    `- local validate ≥ 70% of gunzip+SHA-256: ${ratio(validateMbps, speed('node-sha256'))} → ${verdict(validateMbps && speed('node-sha256') ? validateMbps >= 0.7 * speed('node-sha256')! : undefined)}`,
    `- peak RSS ≤ 300 MB (ctrail cases, incl. the single big file when run): ${maxRss.toFixed(0)} MB → ${verdict(maxRss <= 300)}`,
  ];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const markdown = [
    '# Benchmark results',
    '',
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · machine: ${availableParallelism()} cores, ${cpu} · Node ${process.version} · ` +
      `corpus: ${m.files.length} files, ${m.events.toLocaleString('en-US')} events, ${mb.toFixed(0)} MB uncompressed (${(m.compressedBytes / 1e6).toFixed(0)} MB gzip) · runs per case: ${args.runs} (median; slow peers once)`,
    '',
    'Reproduce: `npm run bench` (1 GB corpus, generated once into bench/corpus/), `npm run bench -- --size 200MB`, `npm run bench -- --quick`.',
    'Peak RSS is the largest process of each case (GNU time `%M`). Every case\'s answer is checked against the corpus manifest.',
    `Load average (1 min) when the run started: ${load[0].toFixed(1)}, when it ended: ${load[1].toFixed(1)} on ${availableParallelism()} cores.` +
      // Only the load at the start says something about neighbours: by the end it is mostly the benchmark's own work.
      (load[0]! > availableParallelism() * 0.75 ? ' **Other jobs shared the machine during this run: absolute speeds are depressed and noisy; ratios between tools in the same run are fairer, but still noisy.**' : ''),
    '',
    ...lines,
    '',
    '## Targets',
    '',
    ...targets,
    '',
    'Where the time goes, what was tried and what stands in the way of the unmet targets: `bench/PROFILE.md`.',
    '',
  ].join('\n');
  return { table: lines.join('\n'), markdown };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
