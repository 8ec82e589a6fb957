import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { corpusCases, idsFromNdjson, sameSet } from './cases.js';
import { ensureCorpus } from './corpus.js';
import { CORPUS_KINDS, trailDir, type CorpusKind, type CorpusManifest } from './corpus-common.js';
import { ensureRealisticCorpus } from './corpus-real.js';
import { ensureDuckdb } from './duckdb-pkg.js';
import { median, run, shq, timeCase, type CaseResult, type CaseSpec, type RunResult, type SmallResult } from './measure.js';
import { isBusy, renderRun, runFilePath, writeResultsIndex } from './report.js';
import { ensureSignedCopy } from './signed.js';

/**
 * `npm run bench [-- --size 1GB | --quick] [--corpus synthetic|realistic|both] [--runs N] [--case-timeout S]`:
 * generates (once) two deterministic trail corpora — the synthetic one and the realistic one, as hard to
 * compress and as finely split as a real trail — and times ctrail against the decompression ceiling, jq and
 * DuckDB (its needle query, count(*), and SQL equivalents of find-deletion and activity) on each, in one run.
 * Every case checks its answer against the corpus manifest, so a fast wrong answer fails the bench (exit 1).
 * Timings are reported, never asserted. A full run is kept as bench/runs/<date>-<size>.md, and bench/RESULTS.md
 * is regenerated to point at it; --quick (CI's correctness guard, ~8 MB a corpus) writes bench/.work/ only.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const ctrail = join(repo, 'bin', 'ctrail.cjs');
const benchDir = join(repo, 'bench');

interface Args {
  size: number;
  sizeLabel: string;
  quick: boolean;
  runs: number;
  corpora: CorpusKind[];
  caseTimeoutS: number;
  out?: string;
  singleFile: boolean;
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?b?$/i.exec(text.trim());
  if (!m) throw new Error(`--size ${text}: expected e.g. 1GB, 200MB`);
  const unit = { k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

const label = (bytes: number) => (bytes >= 1e9 && bytes % 1e8 === 0 ? `${bytes / 1e9}GB` : `${Math.round(bytes / 1e6)}MB`);

function parseArgs(argv: string[]): Args {
  const a: Args = { size: 1e9, sizeLabel: '', quick: false, runs: 3, corpora: [...CORPUS_KINDS], caseTimeoutS: 0, singleFile: true };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--quick') a.quick = true;
    else if (v === '--size') a.size = parseSize(argv[++i] ?? '');
    else if (v === '--runs') a.runs = Number(argv[++i]);
    else if (v === '--out') a.out = argv[++i]!;
    else if (v === '--no-single-file') a.singleFile = false;
    else if (v === '--case-timeout') a.caseTimeoutS = Number(argv[++i]);
    else if (v === '--corpus') {
      const c = argv[++i] ?? '';
      if (c === 'both') a.corpora = [...CORPUS_KINDS];
      else if ((CORPUS_KINDS as readonly string[]).includes(c)) a.corpora = [c as CorpusKind];
      else throw new Error(`--corpus ${c}: expected synthetic, realistic or both`);
    } else throw new Error(`unknown argument ${v}`);
  }
  if (!(a.runs >= 1)) throw new Error('--runs: expected a positive number');
  if (a.quick) {
    a.size = Math.min(a.size, 8e6);
    a.runs = 1;
  }
  // Long enough for any case on the 5 GB corpus; short enough that a hang in CI ends the job within minutes.
  if (!a.caseTimeoutS) a.caseTimeoutS = a.quick ? 120 : 1800;
  if (!(a.caseTimeoutS > 0)) throw new Error('--case-timeout: expected seconds');
  a.sizeLabel = a.quick ? 'quick' : label(a.size);
  return a;
}

const log = (line: string) => process.stderr.write(line + '\n');

async function measureCorpus(args: Args, kind: CorpusKind): Promise<{ m: CorpusManifest; results: CaseResult[] }> {
  const corpusDir = join(benchDir, 'corpus', `${kind}-${args.size}`);
  const work = join(benchDir, '.work', kind);
  mkdirSync(work, { recursive: true });
  log(`bench: ${kind} corpus of ${(args.size / 1e6).toFixed(0)} MB in ${corpusDir}`);
  const generate = kind === 'synthetic' ? ensureCorpus : ensureRealisticCorpus;
  const m = generate({ bytesTarget: args.size, dir: corpusDir, log: (l) => log(`  ${l}`) });
  const trail = trailDir(corpusDir);
  const fileList = join(work, 'files.txt');
  writeFileSync(fileList, m.files.map((f) => join(trail, ...f.split('/'))).join('\n') + '\n');
  const hasCommand = (name: string) => existsSync(join(repo, 'dist', 'src', 'cli', `${name}.js`));
  const cases: CaseSpec[] = corpusCases({ m, trail, fileList, here, ctrail, hasCommand });
  if (hasCommand('validate')) {
    // A locally signed copy of the same files (hard links) with hourly digest chains; built once, cached.
    const signed = ensureSignedCopy(corpusDir, m, (l) => log(`  ${l}`));
    cases.splice(
      cases.findIndex((c) => c.id === 'jq'),
      0,
      {
        id: 'sha256', name: 'gunzip + SHA-256 of every log file (all cores)', group: 'ceiling', cmd: `node ${shq(join(here, 'gunzip.js'))} ${shq(fileList)} --sha256`,
        check: (r) => (r.stdout.trim() === `${m.uncompressedBytes} ${m.files.length}` ? {} : { problem: `gunzipped+hashed "${r.stdout.trim()}", corpus has ${m.uncompressedBytes} bytes in ${m.files.length} files` }),
      },
      {
        id: 'validate', name: 'ctrail validate (locally signed copy)', group: 'other', cmd: `cd ${shq(dirname(signed.dir))} && node ${shq(ctrail)} validate ${shq(basename(signed.dir))} -o table --start-time ${signed.start} --end-time ${signed.end}`,
        check: (r) => {
          const problem = checkValidate(r.stdout, m.files.length, signed.digests);
          return problem ? { problem } : {};
        },
      },
    );
  }
  ensureDuckdb(); // outside the timed cases: the first run installs it
  const results: CaseResult[] = [];
  for (const c of cases) {
    const r = await timeCase(kind, c, args.runs, args.caseTimeoutS * 1000, log);
    results.push(r);
    if (c.id === 'broad' && r.ok) {
      // The broad scan's answer (and its output's digest), taken once outside the timing.
      const counted = await run(`${c.cmd} | node ${shq(join(here, 'digest.js'))}`, { timeoutMs: args.caseTimeoutS * 1000 });
      const [lines, md5] = counted.stdout.trim().split(' ');
      if (md5) r.outputMd5 = md5;
      if (Number(lines) !== m.writeEvents) {
        r.ok = false;
        r.note = `printed ${lines} write events, corpus has ${m.writeEvents}`;
      }
    }
  }
  // Output is the same bytes whatever the thread count.
  const [one, many] = [results.find((r) => r.id === 'needle-1'), results.find((r) => r.id === 'needle')];
  if (one?.ok && many?.outputMd5 && one.outputMd5 !== many.outputMd5) {
    one.ok = false;
    one.note = 'printed other bytes than with the default threads';
  }
  crossCheck(results, 'fd', 'duck-fd');
  crossCheck(results, 'activity', 'duck-activity');

  // One big log file (an uncompressed single-file export), generated on the fly: memory must stay flat.
  if (args.singleFile && !args.quick && kind === 'synthetic') {
    const big = join(work, `single-file-v${m.version}-${m.bytesTarget}.json.gz`);
    // The file holds the first 1 GB of the corpus: on a larger corpus, only the deletions in those files.
    const expectedFile = `${big}.ids.json`;
    if (!existsSync(big) || !existsSync(expectedFile)) {
      const one = singleBigFile(m, trail, Math.min(args.size, 1e9));
      writeFileSync(big, one.gz);
      writeFileSync(expectedFile, JSON.stringify(one.deleteTableIds));
    }
    // A record delivered twice is printed once.
    const expected = [...new Set(JSON.parse(readFileSync(expectedFile, 'utf8')) as string[])];
    results.push(
      await timeCase(kind, {
        id: 'big', name: 'ctrail events on one 1 GB log file', group: 'other', cmd: `node ${shq(ctrail)} events ${shq(big)} --event-name DeleteTable -o ndjson -q`,
        check: (r) => sameSet(idsFromNdjson(r.stdout), expected, 'DeleteTable events in the file'),
      }, 1, args.caseTimeoutS * 1000, log),
    );
  }
  return { m, results };
}

/** ctrail and its DuckDB equivalent must give the same answer (each was also checked against the plants). */
function crossCheck(results: CaseResult[], a: string, b: string): void {
  const x = results.find((r) => r.id === a);
  const y = results.find((r) => r.id === b);
  if (x?.ok && y?.ok && x.answer !== y.answer) {
    y.ok = false;
    y.note = `answer differs from ${x.name}'s`;
  }
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

/**
 * Concatenates the corpus's records into one {"Records":[…]} gzip file of about `bytes` uncompressed, and
 * names the DeleteTable events it holds (all of the corpus's when the corpus is no larger than `bytes`).
 */
function singleBigFile(m: CorpusManifest, trail: string, bytes: number): { gz: Buffer; deleteTableIds: string[] } {
  const parts: Buffer[] = [Buffer.from('{"Records":[')];
  const deleteTableIds: string[] = [];
  let size = 0;
  let first = true;
  for (const f of m.files) {
    const records = (JSON.parse(gunzipSync(readFileSync(join(trail, ...f.split('/')))).toString()) as { Records: Array<{ eventName?: string; eventID?: string }> }).Records;
    for (const r of records) if (r.eventName === 'DeleteTable' && r.eventID) deleteTableIds.push(r.eventID);
    const text = JSON.stringify(records);
    const inner = text.slice(1, -1);
    if (!inner) continue;
    parts.push(Buffer.from((first ? '' : ',') + inner));
    first = false;
    size += inner.length;
    if (size >= bytes) break;
  }
  parts.push(Buffer.from(']}'));
  return { gz: gzipSync(Buffer.concat(parts), { level: 1 }), deleteTableIds };
}

/**
 * Small inputs (issue #19): what one small file costs against a bare Node start. CPU, not wall time, because
 * spawning idle worker threads costs CPU first. GNU time counts in 10 ms steps, as much as a whole start, so
 * each sample times STARTS_PER_SAMPLE starts in a row and is divided by it. The demo trail's output must be
 * the same bytes on one thread.
 */
async function measureSmall(args: Args): Promise<SmallResult[]> {
  const demo = join(repo, 'fixtures', 'demo');
  const cmds: Array<[SmallResult['id'], string, string]> = [
    ['node', 'node -e 0', 'node -e 0'],
    ['version', 'ctrail --version', `node ${shq(ctrail)} --version`],
    ['help', 'ctrail --help', `node ${shq(ctrail)} --help`],
    ['demo', 'ctrail events fixtures/demo -o ndjson', `node ${shq(ctrail)} events ${shq(demo)} -o ndjson`],
    ['demo-1', 'ctrail events fixtures/demo -o ndjson --threads 1', `node ${shq(ctrail)} events ${shq(demo)} -o ndjson --threads 1`],
  ];
  const starts = args.quick ? 2 : STARTS_PER_SAMPLE;
  const failed = (r: SmallResult, x: RunResult) => {
    if (!x.timedOut && x.code === 0) return false;
    r.ok = false;
    r.note = x.timedOut ? 'timed out' : `exit ${x.code}`;
    return true;
  };
  const out: SmallResult[] = [];
  for (const [id, name, cmd] of cmds) {
    const r: SmallResult = { id, name, cpuMs: [], wallMs: [], ok: true, note: '', starts };
    const once = await run(cmd, { timeoutMs: args.caseTimeoutS * 1000 });
    failed(r, once);
    r.md5 = once.stdoutMd5;
    out.push(r);
  }
  // Samples of the commands take turns, so a drift in the machine's speed falls on all of them alike.
  for (let i = 0; i < (args.quick ? 2 : 5); i++) {
    for (const [k, [, , cmd]] of cmds.entries()) {
      const r = out[k]!;
      if (!r.ok) continue;
      const x = await run(`i=0; while [ $i -lt ${starts} ]; do ${cmd} > /dev/null || exit 1; i=$((i + 1)); done`, { timeoutMs: args.caseTimeoutS * 1000 });
      if (failed(r, x)) continue;
      r.wallMs.push(x.wallMs / starts);
      if (x.cpuMs !== undefined) r.cpuMs.push(x.cpuMs / starts);
    }
  }
  for (const r of out) log(`  small inputs: ${r.name}: ${r.ok ? `${r.cpuMs.length ? (median(r.cpuMs) / 1000).toFixed(3) : '?'} s CPU` : r.note}`);
  const [demo1, demoN] = [out.find((r) => r.id === 'demo-1'), out.find((r) => r.id === 'demo')];
  if (demo1?.ok && demoN?.ok && demo1.md5 !== demoN.md5) {
    demo1.ok = false;
    demo1.note = 'printed other bytes than with the default threads';
  }
  return out;
}

/** Starts timed in a row per sample of a small-input command. */
const STARTS_PER_SAMPLE = 10;

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const loadAtStart = loadavg()[0]!;
  if (isBusy(loadAtStart)) log(`bench: load average ${loadAtStart.toFixed(1)} at the start: these will be labelled "not idle figures"`);
  // Small inputs first, while the machine is as idle as the run will find it: a few milliseconds of CPU a start
  // move with what ran just before.
  const small = await measureSmall(args);
  const corpora: Array<{ kind: CorpusKind; m: CorpusManifest }> = [];
  const results: CaseResult[] = [];
  for (const kind of args.corpora) {
    const c = await measureCorpus(args, kind);
    corpora.push({ kind, m: c.m });
    results.push(...c.results);
  }
  const report = renderRun({ sizeLabel: args.sizeLabel, runs: args.runs, caseTimeoutS: args.caseTimeoutS, load: [loadAtStart, loadavg()[0]!], corpora }, results, small);
  process.stdout.write(report.terminal + '\n');
  let out = args.out;
  if (!out && args.quick) out = join(benchDir, '.work', 'RESULTS-quick.md');
  if (!out) {
    mkdirSync(join(benchDir, 'runs'), { recursive: true });
    out = runFilePath(join(benchDir, 'runs'), args.sizeLabel);
  }
  writeFileSync(out, report.markdown);
  log(`bench: wrote ${out}`);
  if (!args.out && !args.quick) log(`bench: wrote ${writeResultsIndex(benchDir)}`);
  for (const w of small.filter((r) => !r.ok)) log(`bench: WRONG: small inputs: ${w.name}: ${w.note}`);
  const wrong = [...results.filter((r) => !r.ok && !r.timedOut), ...small.filter((r) => !r.ok)];
  const timedOut = results.filter((r) => r.timedOut);
  for (const w of results.filter((r) => !r.ok && !r.timedOut)) log(`bench: WRONG ANSWER: ${w.corpus}: ${w.name}: ${w.note}`);
  for (const t of timedOut) log(`bench: TIMED OUT: ${t.corpus}: ${t.name}: ${t.note}${args.quick ? ' (its answer is unchecked)' : ''}`);
  // In the quick run (CI) a timed-out case is an unchecked answer; in a full run it is a reported figure.
  return wrong.length || (args.quick && timedOut.length) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
