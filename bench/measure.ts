import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { CorpusKind } from './corpus-common.js';

/** Running one bench case: wall time from here, CPU time and peak RSS from GNU time, a bound on its duration. */
export interface RunResult {
  wallMs: number;
  /** User + system CPU of the whole process tree (GNU time), when available. */
  cpuMs?: number;
  peakRssKb?: number;
  stdout: string;
  /** md5 of the bytes written to stdout (when it was not redirected). */
  stdoutMd5?: string;
  stderr: string;
  code: number;
  timedOut: boolean;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Process groups of the cases running now: an interrupted bench ends them too (they are not in its group). */
const running = new Set<number>();
const killGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const pid of running) killGroup(pid);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs a command through sh in its own process group, so a case that overruns `timeoutMs` is ended whole
 * (the group's id is the child's pid: only what this run started is signalled).
 */
export function run(cmd: string, opts: { stdoutTo?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const wrapped = TIME ? `${TIME} -f '__TIME__%M %U %S' sh -c ${shq(cmd)}` : cmd;
    const outFd = opts.stdoutTo ? openSync(opts.stdoutTo, 'w') : undefined;
    const t0 = performance.now();
    const child = spawn('sh', ['-c', wrapped], { stdio: ['ignore', outFd ?? 'pipe', 'pipe'], env: process.env, detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    if (child.pid !== undefined) running.add(child.pid);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child.pid!);
        }, opts.timeoutMs)
      : undefined;
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      const wallMs = performance.now() - t0;
      if (outFd !== undefined) closeSync(outFd);
      let stderr = Buffer.concat(err).toString();
      let peakRssKb: number | undefined;
      let cpuMs: number | undefined;
      const m = /__TIME__(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      if (m) {
        peakRssKb = Number(m[1]);
        cpuMs = (Number(m[2]) + Number(m[3])) * 1000;
        stderr = stderr.slice(0, m.index);
      }
      const bytes = Buffer.concat(out);
      resolveRun({
        wallMs,
        stdout: bytes.toString(),
        ...(outFd === undefined ? { stdoutMd5: createHash('md5').update(bytes).digest('hex') } : {}),
        stderr,
        code: code ?? 1,
        timedOut,
        ...(peakRssKb !== undefined ? { peakRssKb } : {}),
        ...(cpuMs !== undefined ? { cpuMs } : {}),
      });
    });
  });
}

export type Group = 'ceiling' | 'needle' | 'broad' | 'forensics' | 'other';

export interface CaseResult {
  corpus: CorpusKind;
  /** Stable id within a corpus (`needle`, `duck-fd` …): what ratios and targets refer to. */
  id: string;
  name: string;
  group: Group;
  /** The id of the DuckDB case this one is compared with. */
  peer?: string;
  wallMs: number[];
  cpuMs: number[];
  peakRssKb: number;
  /** 1-minute load average when the case started (its first run). */
  load: number;
  events?: number;
  ok: boolean;
  timedOut: boolean;
  note: string;
  /** The answer in a canonical form, to compare tools with each other. */
  answer?: string;
  /** md5 of the first run's output: ctrail's bytes must not change with its speed. */
  outputMd5?: string;
}

/** A small-input case: CPU per run (GNU time), the output's digest of the first run. */
export interface SmallResult {
  id: 'node' | 'version' | 'help' | 'demo' | 'demo-1';
  name: string;
  cpuMs: number[];
  wallMs: number[];
  md5?: string;
  ok: boolean;
  note: string;
  /** Starts per sample: cpuMs and wallMs are each sample's total divided by it. */
  starts: number;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface CaseSpec {
  id: string;
  name: string;
  group: Group;
  cmd: string;
  peer?: string;
  events?: number;
  stdoutTo?: string;
  /** Says what is wrong with the answer (undefined: right), and gives its canonical form. */
  check: (r: RunResult) => { problem?: string; answer?: string };
}

/** Times a case `runs` times (a slow one once), checking every run's answer; a run past the timeout ends it. */
export async function timeCase(corpus: CorpusKind, c: CaseSpec, runs: number, timeoutMs: number, log: (line: string) => void): Promise<CaseResult> {
  const walls: number[] = [];
  const cpus: number[] = [];
  let rss = 0;
  let problem: string | undefined;
  let answer: string | undefined;
  let outputMd5: string | undefined;
  let timedOut = false;
  const load = loadavg()[0]!;
  for (let i = 0; i < runs; i++) {
    const r = await run(c.cmd, { timeoutMs, ...(c.stdoutTo ? { stdoutTo: c.stdoutTo } : {}) });
    if (r.timedOut) {
      timedOut = true;
      log(`  ${corpus} ${c.name}: TIMED OUT after ${(timeoutMs / 1000).toFixed(0)} s`);
      break;
    }
    walls.push(r.wallMs);
    if (r.cpuMs !== undefined) cpus.push(r.cpuMs);
    rss = Math.max(rss, r.peakRssKb ?? 0);
    outputMd5 ??= r.stdoutMd5;
    if (r.code !== 0) problem = `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`;
    else if (!problem) {
      const v = c.check(r);
      problem = v.problem;
      answer ??= v.answer;
    }
    log(`  ${corpus} ${c.name}: ${(r.wallMs / 1000).toFixed(2)} s${problem ? `  WRONG: ${problem}` : ''}`);
    // A slow peer (jq) is timed once: its median would not change the verdict.
    if (r.wallMs > 20_000) break;
  }
  return {
    corpus,
    id: c.id,
    name: c.name,
    group: c.group,
    ...(c.peer ? { peer: c.peer } : {}),
    wallMs: walls,
    cpuMs: cpus,
    peakRssKb: rss,
    load,
    ...(c.events !== undefined ? { events: c.events } : {}),
    ok: !problem && !timedOut,
    timedOut,
    note: timedOut ? `timed out after ${(timeoutMs / 1000).toFixed(0)} s` : (problem ?? ''),
    ...(answer !== undefined ? { answer } : {}),
    ...(outputMd5 !== undefined ? { outputMd5 } : {}),
  };
}
