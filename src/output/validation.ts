import { neutralize } from './sanitize.js';
import type { ChainReport } from '../integrity/chain.js';
import { PROBLEM_KINDS, problemFails, problemUnreadable, type Problem, type ProblemKind } from '../integrity/problems.js';
import type { ScopeReport, ValidationReport } from '../integrity/validate.js';
import { isoTime } from '../cloudtrail/time.js';

/** Seconds, as CloudTrail and `aws cloudtrail validate-logs` print times. */
const fmt = (d: Date): string => isoTime(d, 's');

/** Keys and trail names are hostile: every field is neutralised on its own, then joined with the TABs we add. */
const neutralise = neutralize;

const REFERENCE_KINDS = new Set<ProblemKind>([
  'digest-not-found', 'digest-invalid-format', 'digest-signature-failed', 'digest-moved', 'digest-key-not-found',
  'digest-key-unloadable', 'digest-error', 'log-hash-mismatch', 'log-not-found', 'log-invalid-format', 'log-appended-data', 'log-error',
]);

const BEYOND_LABEL: Partial<Record<ProblemKind, string>> = {
  'unreferenced-log': 'UNREFERENCED',
  'digest-missing': 'MISSING',
  'tail-missing': 'TAIL MISSING',
  'tail-uncovered': 'TAIL UNCOVERED',
  'no-digests': 'NO DIGESTS',
  'gap-suspicious': 'SUSPICIOUS GAP',
  'chain-mismatch': 'CHAIN MISMATCH',
  copy: 'COPY',
  'copy-allowed': 'COPY',
  'org-trail': 'NOTE',
};

export interface TextOutput {
  stdout: string[];
  stderr: string[];
}

export function allProblems(report: ValidationReport): Array<Problem & { account?: string; region?: string }> {
  const out: Array<Problem & { account?: string; region?: string }> = [...report.notices];
  for (const s of report.scopes) {
    for (const c of s.chains) for (const p of c.problems) out.push({ ...p, account: s.account, region: s.region });
    for (const p of s.problems) out.push({ ...p, account: s.account, region: s.region });
  }
  return out;
}

/** Definite evidence against the trail (an INVALID or missing file, a gap): exit 1 whatever else happened. */
export function reportFails(report: ValidationReport): boolean {
  return allProblems(report).some((p) => problemFails(p) && !problemUnreadable(p));
}

/** Something could not be read, so the verdict covers only what was: exit 3 unless the report fails. */
export function reportIncomplete(report: ValidationReport): boolean {
  return allProblems(report).some(problemUnreadable);
}

export function unreadableProblems(report: ValidationReport): Problem[] {
  return allProblems(report).filter(problemUnreadable);
}

function ratio(v: number, t: number, what: string): string {
  const inv = t - v;
  return `${v}/${t} ${what} valid${inv ? `, ${inv}/${t} ${what} INVALID` : ''}`;
}

/**
 * Text in the words of `aws cloudtrail validate-logs`: verbose "valid" lines and the summary on stdout, INVALID
 * and gap lines on stderr, each stderr line followed by a blank line. Checks the reference lacks follow the same
 * shape with their own upper-case label.
 */
export function renderText(report: ValidationReport, verbose: boolean): TextOutput {
  const out: TextOutput = { stdout: [], stderr: [] };
  const what = report.trail ? `for trail ${report.trail.arn}` : `in ${report.source}`;
  out.stdout.push(`Validating log files ${neutralise(what)} between ${fmt(report.window.start)} and ${fmt(report.window.end)}\n\n`);
  const multi = report.scopes.length > 1 || report.scopes.some((s) => s.chains.filter((c) => !c.backfill).length > 1);
  let lastWasStdout = false;
  const err = (...fields: string[]) => {
    out.stderr.push(`${lastWasStdout ? '\n' : ''}${fields.map(neutralise).join('\t')}\n\n`);
  };
  for (const n of report.notices) err(`${BEYOND_LABEL[n.kind]}: ${n.detail}`);
  for (const scope of report.scopes) {
    for (const chain of scope.chains) {
      const pre = chain.backfill ? '(backfill) ' : '';
      for (const e of chain.entries) {
        if (e.type === 'gap') {
          err(`No log files were delivered by CloudTrail between ${e.from} and ${e.to}`);
          lastWasStdout = false;
        } else if (e.valid) {
          if (verbose) {
            out.stdout.push(`${e.type === 'digest' ? pre + 'Digest file' : 'Log file'}\t${neutralise(e.uri)}\tvalid\n`);
            lastWasStdout = true;
          }
        } else {
          err(e.type === 'digest' ? pre + 'Digest file' : 'Log file', e.uri, `INVALID: ${e.message}`);
          lastWasStdout = false;
        }
      }
      for (const p of chain.problems) if (!REFERENCE_KINDS.has(p.kind)) err(...beyondLine(p));
    }
    for (const p of scope.problems) err(...beyondLine(p));
  }
  const summary: string[] = [];
  for (const scope of report.scopes) summary.push(...renderScopeSummary(report, scope, multi));
  // As validate-logs prints it when it finds no digest; the NO DIGESTS line on stderr says why.
  if (!report.scopes.length) summary.push(`Results requested for ${fmt(report.window.start)} to ${fmt(report.window.end)}\nNo digests found\n`);
  out.stdout.push(`${lastWasStdout ? '\n' : ''}${summary.join('')}`);
  return out;
}

function beyondLine(p: Problem): string[] {
  const label = PROBLEM_KINDS[p.kind].what === 'log' ? 'Log file' : PROBLEM_KINDS[p.kind].what === 'digest' ? 'Digest file' : 'Trail folder';
  return [label, p.key, `${BEYOND_LABEL[p.kind] ?? p.kind.toUpperCase()}: ${p.detail}`];
}

function renderScopeSummary(report: ValidationReport, scope: ScopeReport, multi: boolean): string[] {
  const lines: string[] = [];
  const standard = scope.chains.filter((c) => !c.backfill);
  const backfill = scope.chains.filter((c) => c.backfill);
  const groups: ChainReport[][] = standard.length ? standard.map((c) => [c, ...backfill.filter((b) => b.trailName === c.trailName)]) : [backfill];
  for (const group of groups) {
    const head = group[0];
    if (multi) {
      lines.push(`Account ${scope.account}${scope.orgId ? ` (${scope.orgId})` : ''}, region ${scope.region || '-'}${head ? `, trail ${neutralise(head.trailName)}` : ''}:\n`);
    }
    lines.push(`Results requested for ${fmt(report.window.start)} to ${fmt(report.window.end)}\n`);
    const seen = group.reduce((n, c) => n + c.digests.valid + c.digests.invalid, 0);
    const std = group.filter((c) => !c.backfill);
    const bf = group.filter((c) => c.backfill);
    if (!seen) {
      lines.push('No digests found\n');
      if (multi) lines.push('\n');
      continue;
    }
    const starts = group.map((c) => c.foundStart).filter((d): d is Date => Boolean(d));
    const ends = group.map((c) => c.foundEnd).filter((d): d is Date => Boolean(d));
    if (starts.length) {
      const fs = new Date(Math.min(...starts.map((d) => d.getTime())));
      const fe = new Date(Math.max(...ends.map((d) => d.getTime())));
      lines.push(`Results found for ${fmt(fs)} to ${fmt(fe)}:\n`);
    } else {
      lines.push('No valid digests found in range\n');
    }
    const sum = (cs: ChainReport[], f: (c: ChainReport) => number) => cs.reduce((n, c) => n + f(c), 0);
    const dv = sum(std, (c) => c.digests.valid);
    const dt = dv + sum(std, (c) => c.digests.invalid);
    if (dt || !bf.length) lines.push(`\n${ratio(dv, dt, 'digest files')}\n`);
    if (bf.length) {
      const bv = sum(bf, (c) => c.digests.valid);
      lines.push(`\n${ratio(bv, bv + sum(bf, (c) => c.digests.invalid), 'backfill digest files')}\n`);
    }
    const lv = sum(group, (c) => c.logs.valid);
    const lt = lv + sum(group, (c) => c.logs.invalid);
    if (lt) lines.push(`\n${ratio(lv, lt, 'log files')}\n`);
    if (multi) lines.push('\n');
  }
  return lines;
}

/** The documented `-o json` report (README, "ctrail validate"). */
export function renderJson(report: ValidationReport): unknown {
  const problems = allProblems(report);
  return {
    window: { start: fmt(report.window.start), end: fmt(report.window.end) },
    source: report.source,
    trail: report.trail?.arn ?? null,
    valid: !problems.some(problemFails),
    scopes: report.scopes.map((s) => {
      const sum = (f: (c: ChainReport) => number) => s.chains.reduce((n, c) => n + f(c), 0);
      const starts = s.chains.map((c) => c.foundStart).filter((d): d is Date => Boolean(d));
      const ends = s.chains.map((c) => c.foundEnd).filter((d): d is Date => Boolean(d));
      return {
        account: s.account,
        region: s.region,
        orgId: s.orgId ?? null,
        prefix: s.prefix,
        trails: [...new Set(s.chains.map((c) => c.trailName))],
        found: starts.length
          ? { start: fmt(new Date(Math.min(...starts.map((d) => d.getTime())))), end: fmt(new Date(Math.max(...ends.map((d) => d.getTime())))) }
          : null,
        digests: {
          valid: sum((c) => c.digests.valid),
          invalid: sum((c) => c.digests.invalid - c.digests.notFound),
          missing: sum((c) => c.digests.missing),
        },
        logs: {
          valid: sum((c) => c.logs.valid),
          invalid: sum((c) => c.logs.invalid - c.logs.missing),
          missing: sum((c) => c.logs.missing),
          unreferenced: s.unreferenced,
        },
        gaps: s.chains.flatMap((c) => c.gaps.map((g) => ({ from: fmt(g.from), to: fmt(g.to) }))),
      };
    }),
    problems: problems.map((p) => ({
      kind: p.kind,
      key: p.key,
      detail: p.detail,
      fails: problemFails(p),
      ...(p.account ? { account: p.account } : {}),
      ...(p.region ? { region: p.region } : {}),
    })),
    gaps: report.scopes.flatMap((s) =>
      s.chains.flatMap((c) => c.gaps.map((g) => ({ from: fmt(g.from), to: fmt(g.to), account: s.account, region: s.region }))),
    ),
  };
}
