import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import type { CorpusKind, CorpusManifest } from './corpus-common.js';
import { median, type CaseResult, type SmallResult } from './measure.js';

/**
 * The bench's report: a table per corpus, the issue's targets for both corpora side by side, and the index
 * (bench/RESULTS.md) that points at the latest dated run under bench/runs/ and lists the earlier ones.
 */
export interface RunInfo {
  sizeLabel: string;
  runs: number;
  caseTimeoutS: number;
  /** 1-minute load average when the run started and when it ended. */
  load: [number, number];
  corpora: Array<{ kind: CorpusKind; m: CorpusManifest }>;
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** A table cell: a `|` in a case's name (a pipe) would end the cell. */
const cell = (s: string) => s.replace(/\|/g, '\\|');
const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}×` : '–');

/** A run is "idle" when the machine's load at the start left the cores to it. */
export const isBusy = (load: number) => load > availableParallelism() * 0.5;

function speeds(results: CaseResult[], m: CorpusManifest) {
  const mb = m.uncompressedBytes / 1e6;
  const mbps = (id: string) => {
    const r = results.find((x) => x.id === id && x.wallMs.length);
    return r ? mb / (median(r.wallMs) / 1000) : undefined;
  };
  return { mb, mbps };
}

function corpusTable(results: CaseResult[], m: CorpusManifest): string[] {
  const { mb, mbps } = speeds(results, m);
  const lines = [
    '| case | median wall | CPU (user+sys) | MB/s | events/s | peak RSS | load at start | vs DuckDB | vs jq | vs gunzip | answer |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    if (!r.wallMs.length) {
      lines.push(`| ${cell(r.name)} | – | – | – | – | – | ${r.load.toFixed(1)} | – | – | – | ${r.timedOut ? '**TIMED OUT**: ' : 'WRONG: '}${r.note} |`);
      continue;
    }
    const s = median(r.wallMs) / 1000;
    const speed = mb / s;
    // Peers do not validate: a ratio to their queries would mean nothing.
    const noPeer = r.group === 'ceiling' || r.id === 'validate' || r.id === 'big';
    const duck = r.peer ? ratio(speed, mbps(r.peer)) : r.id.startsWith('duck-') ? '1×' : '–';
    const answer = r.ok ? (r.events === undefined ? 'checked' : 'same events') : `${r.timedOut ? '**TIMED OUT**' : '**WRONG**'}: ${r.note}`;
    lines.push(
      `| ${cell(r.name)} | ${s.toFixed(2)} s | ${r.cpuMs.length ? fmtS(median(r.cpuMs)) : '–'} | ${speed.toFixed(0)} | ${r.events !== undefined ? Math.round(r.events / s).toLocaleString('en-US') : '–'} | ${r.peakRssKb ? (r.peakRssKb / 1024).toFixed(0) + ' MB' : '–'} | ${r.load.toFixed(1)} | ${noPeer ? '–' : duck} | ${r.id === 'jq' ? '1×' : noPeer ? '–' : ratio(speed, mbps('jq'))} | ${ratio(speed, mbps('gunzip'))} | ${answer} |`,
    );
  }
  return lines;
}

/** The issue's targets, one row each, a column per corpus. */
function targetRows(byCorpus: Array<{ kind: CorpusKind; m: CorpusManifest; results: CaseResult[] }>): string[] {
  type Target = { text: string; value: (s: ReturnType<typeof speeds>, results: CaseResult[]) => { shown: string; met?: boolean } };
  const atLeast = (a: string, b: string, k: number) => (s: ReturnType<typeof speeds>) => {
    const x = s.mbps(a);
    const y = s.mbps(b);
    return x !== undefined && y !== undefined ? { shown: ratio(x, y), met: x >= k * y } : { shown: 'not measured' };
  };
  const targets: Target[] = [
    { text: 'needle query ≥ 2× DuckDB needle', value: atLeast('needle', 'duck-needle', 2) },
    { text: 'needle query ≥ 15× zcat | jq', value: atLeast('needle', 'jq', 15) },
    { text: 'needle query ≥ 70% of bare gunzip', value: atLeast('needle', 'gunzip', 0.7) },
    { text: 'broad --write-only NDJSON ≥ DuckDB count(*)', value: atLeast('broad', 'duck-count', 1) },
    { text: 'find-deletion ≥ DuckDB needle', value: atLeast('fd', 'duck-needle', 1) },
    { text: 'activity (deep, wide closure) ≥ DuckDB needle', value: atLeast('activity', 'duck-needle', 1) },
    { text: 'find-deletion vs DuckDB SQL find-deletion (no target)', value: (s) => ({ shown: ratio(s.mbps('fd'), s.mbps('duck-fd')) }) },
    { text: 'activity vs DuckDB SQL recursive closure (no target)', value: (s) => ({ shown: ratio(s.mbps('activity'), s.mbps('duck-activity')) }) },
    { text: 'local validate ≥ 70% of gunzip + SHA-256', value: atLeast('validate', 'sha256', 0.7) },
    {
      text: 'peak RSS ≤ 300 MB (every ctrail case)',
      value: (_s, results) => {
        const ctrail = results.filter((r) => r.name.startsWith('ctrail') && r.peakRssKb);
        if (!ctrail.length) return { shown: 'not measured' };
        const max = Math.max(...ctrail.map((r) => r.peakRssKb)) / 1024;
        return { shown: `${max.toFixed(0)} MB`, met: max <= 300 };
      },
    },
  ];
  const head = `| target | ${byCorpus.map((c) => c.kind).join(' | ')} |`;
  const lines = [head, `|---|${byCorpus.map(() => '---:').join('|')}|`];
  for (const t of targets) {
    const cells = byCorpus.map((c) => {
      const v = t.value(speeds(c.results, c.m), c.results);
      return v.met === undefined ? v.shown : `${v.shown} ${v.met ? '**met**' : '**not met**'}`;
    });
    lines.push(`| ${cell(t.text)} | ${cells.join(' | ')} |`);
  }
  return lines;
}

export function renderRun(info: RunInfo, results: CaseResult[], small: SmallResult[] = []): { markdown: string; terminal: string } {
  const byCorpus = info.corpora.map((c) => ({ ...c, results: results.filter((r) => r.corpus === c.kind) }));
  const cores = availableParallelism();
  const busy = isBusy(info.load[0]);
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const out: string[] = [
    `# Benchmark run: ${info.sizeLabel}, ${date} UTC${busy ? ' — not idle figures' : ''}`,
    '',
    `Machine: ${cores} cores, ${cpus()[0]?.model ?? 'unknown CPU'} · Node ${process.version} · runs per case: ${info.runs} (median; slow peers once) · case timeout: ${info.caseTimeoutS} s.`,
    `Load average (1 min) at the start: ${info.load[0].toFixed(1)}, at the end: ${info.load[1].toFixed(1)}, on ${cores} cores.` +
      (busy
        ? ` **Not idle figures: other jobs shared the machine (load above ${(cores * 0.5).toFixed(1)} at the start), so absolute speeds are depressed and noisy; ratios between tools of the same run are fairer, still noisy. Each case's own load at its start is in the table.**`
        : ''),
    'Peak RSS is the largest process of each case, CPU the user+system time of the whole case (GNU time `%M`, `%U`, `%S`). Every answer is checked against the corpus manifest (and DuckDB\'s forensics answers equal ctrail\'s).',
    '',
    '## Targets (issue #19)',
    '',
    ...targetRows(byCorpus),
    '',
  ];
  for (const c of byCorpus) {
    out.push(
      `## ${c.kind} corpus`,
      '',
      `${c.m.files.length.toLocaleString('en-US')} files, ${c.m.events.toLocaleString('en-US')} events (${(c.m.events / c.m.files.length).toFixed(0)} a file), ` +
        `${(c.m.uncompressedBytes / 1e6).toFixed(0)} MB uncompressed, ${(c.m.compressedBytes / 1e6).toFixed(1)} MB gzip (${(c.m.uncompressedBytes / c.m.compressedBytes).toFixed(1)}:1); ` +
        `planted: ${c.m.deletions.length} deletions of \`orders-prod\` behind ${c.m.deletions.map((d) => d.chain.length).join(', ')} AssumeRole hops, a closure of ${c.m.closure.sessions.toLocaleString('en-US')} sessions ${c.m.closure.depth} levels deep (fan-out ${c.m.closure.fanOut}, ${c.m.closure.eventIds.length.toLocaleString('en-US')} events).`,
      '',
      ...corpusTable(c.results, c.m),
      '',
    );
  }
  const smallLines = smallTable(small);
  if (smallLines.length) out.push('## Small inputs', '', ...smallLines, '');
  const digests = results.filter((r) => r.name.startsWith('ctrail') && r.outputMd5);
  if (digests.length) {
    out.push(
      '## Output digests',
      '',
      'md5 of each ctrail case\'s standard output, to show that a change made ctrail faster without changing a byte of what it prints. ' +
        '`events` prints the records as they are; `find-deletion`, `activity` and `validate` also name files, so they run from the corpus folder with relative paths, and their digests compare between checkouts (runs before 2026-12-03 13:52 named absolute paths).',
      '',
      '| corpus | case | md5 |',
      '|---|---|---|',
      ...digests.map((r) => `| ${r.corpus} | ${cell(r.name)} | \`${r.outputMd5}\` |`),
      '',
    );
  }
  out.push('Where the time goes, what was tried and what stands in the way of the unmet targets: [`bench/PROFILE.md`](../PROFILE.md).', '');
  const terminal = [...byCorpus.map((c) => [`${c.kind}:`, ...corpusTable(c.results, c.m)].join('\n')), targetRows(byCorpus).join('\n'), smallLines.join('\n')].join('\n\n');
  return { markdown: out.join('\n'), terminal };
}

/**
 * Issue #19's small-input targets, as read here: with default threads the demo trail costs at most its
 * one-thread CPU plus 0.3 × a bare Node start (so one small file never pays for spawning workers), and
 * `--version` at most 1.3 × a bare Node start (it loads nothing of the CLI). For `--help` the issue asks that it
 * load no command code, which test/e2e/startup.test checks; its CPU is shown against a bare start.
 */
function smallTable(small: SmallResult[]): string[] {
  if (!small.length) return [];
  const cpu = (id: SmallResult['id']) => {
    const r = small.find((x) => x.id === id);
    return r?.ok && r.cpuMs.length ? median(r.cpuMs) : undefined;
  };
  const starts = small[0]!.starts;
  const lines = [`| command | median CPU (user+sys) a start | median wall a start | samples of ${starts} starts | answer |`, '|---|---:|---:|---:|---|'];
  for (const r of small) {
    lines.push(`| ${r.name} | ${r.cpuMs.length ? fmtMs(median(r.cpuMs)) : '–'} | ${r.wallMs.length ? fmtMs(median(r.wallMs)) : '–'} | ${r.wallMs.length} | ${r.ok ? (r.id === 'demo-1' ? 'same bytes as default threads' : 'ran') : `**WRONG**: ${r.note}`} |`);
  }
  const node = cpu('node');
  const verdict = (x: number | undefined, bound: number | undefined, what: string) =>
    x === undefined || bound === undefined ? `- ${what}: not measured` : `- ${what}: ${fmtMs(x)} against ${fmtMs(bound)} → ${x <= bound ? '**met**' : '**not met**'}`;
  const demo1 = cpu('demo-1');
  const help = cpu('help');
  lines.push(
    '',
    verdict(cpu('demo'), demo1 !== undefined && node !== undefined ? demo1 + 0.3 * node : undefined, 'demo trail, default threads ≤ its --threads 1 CPU + 0.3 × node -e 0'),
    verdict(cpu('version'), node !== undefined ? 1.3 * node : undefined, '--version ≤ 1.3 × node -e 0'),
    `- --help loads no command code (checked by test/e2e/startup.test, not here); its CPU: ${help === undefined ? 'not measured' : fmtMs(help)} against node -e 0's ${node === undefined ? '–' : fmtMs(node)} (commander and the command table)`,
    '',
    `CPU comes from GNU time in 10 ms steps, so each sample times ${starts} starts in a row and divides by ${starts}.`,
  );
  return lines;
}

const fmtMs = (ms: number) => `${ms.toFixed(0)} ms`;

/** `bench/runs/<YYYY-MM-DD>-<size>.md`; a second run of the same size on the same day gets its time too. */
export function runFilePath(runsDir: string, sizeLabel: string, now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  const first = join(runsDir, `${day}-${sizeLabel}.md`);
  if (!existsSync(first)) return first;
  return join(runsDir, `${day}-${sizeLabel}-${now.toISOString().slice(11, 16).replace(':', '')}.md`);
}

/** Rewrites bench/RESULTS.md: the latest run's summary (its header and targets) and every run, newest first. */
export function writeResultsIndex(benchDir: string): string {
  const runsDir = join(benchDir, 'runs');
  const runs = readdirSync(runsDir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}-.+\.md$/.test(f))
    // Ordered by the time in each run's title (file times do not survive a git checkout), then by name.
    .map((f) => {
      const title = readFileSync(join(runsDir, f), 'utf8').split('\n')[0]!.replace(/^#\s*/, '');
      return { f, title, when: /(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC/.exec(title)?.[1] ?? f.slice(0, 10) };
    })
    .sort((a, b) => (a.when !== b.when ? (a.when < b.when ? 1 : -1) : a.f < b.f ? 1 : -1));
  const lines = ['# Benchmark results', '', 'Generated by `npm run bench` after every run (not by hand). Each run is kept, dated, in [`runs/`](runs/): the history of a figure is there.', ''];
  const latest = runs[0];
  if (latest) {
    const text = readFileSync(join(runsDir, latest.f), 'utf8');
    // The targets' table or list only: the run's own prose may link relative to runs/.
    const targets = (/\n## Targets[^\n]*\n([\s\S]*?)(?=\n## |$)/.exec(text)?.[1] ?? '').split('\n').filter((l) => l.startsWith('|') || l.startsWith('- '));
    lines.push(`## Latest: [${latest.f}](runs/${latest.f})`, '', latest.title, '');
    const loadLine = text.split('\n').find((l) => l.startsWith('Load average'));
    if (loadLine) lines.push(loadLine, '');
    if (targets.length) lines.push(...targets, '');
    lines.push(`Every case's figures: [${latest.f}](runs/${latest.f}).`, '');
  }
  // What blocks each unmet target is kept, with the profiles behind it, in PROFILE.md's last section; it is
  // shown here as written there, so the figures and the reasons are read together.
  const profile = existsSync(join(benchDir, 'PROFILE.md')) ? readFileSync(join(benchDir, 'PROFILE.md'), 'utf8') : '';
  const inTheWay = /\n## What stands in the way[^\n]*\n([\s\S]*?)(?=\n## |$)/.exec(profile)?.[1]?.trim();
  if (inTheWay) lines.push('## What stands in the way of the unmet targets', '', `From [\`PROFILE.md\`](PROFILE.md), which has the profiles and what was tried:`, '', inTheWay, '');
  lines.push('## All runs', '', ...runs.map((r) => `- [${r.f}](runs/${r.f}): ${r.title}`), '');
  lines.push('Where the time goes, what was tried and what stands in the way of the unmet targets: [`PROFILE.md`](PROFILE.md).', '');
  const path = join(benchDir, 'RESULTS.md');
  writeFileSync(path, lines.join('\n'));
  return path;
}
