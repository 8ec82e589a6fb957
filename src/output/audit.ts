import { Chalk, type ChalkInstance } from 'chalk';
import { neutralize } from './sanitize.js';
import { newTable } from './table.js';
import { renderFitted, wrapToWidth, type FitColumn, type FitOptions } from './fit.js';
import type { ReplayReport } from '../audit/types.js';
import type { AuditReport, CheckResult, CheckStatus } from '../audit/types.js';

export interface RenderOptions {
  color: boolean;
  /** Terminal width, for wrapping the detail column and fitting the replay table (default 80). */
  width?: number;
  /** Every column and cell whole: the checks unwrapped, the replay table with all its columns. */
  wide?: boolean;
  /** Hears the one stderr line that says what the replay table left out. */
  notes?: (line: string) => void;
}

/** `{account, regions, checks: [...]}` exactly as documented in the README (ctrail audit). */
export function renderJson(report: AuditReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

export function summarize(report: AuditReport): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, unknown: 0 };
  for (const c of report.checks) counts[c.status] += 1;
  return counts;
}

function groupTitle(resource: string, checks: CheckResult[]): string {
  if (resource.startsWith('account:')) return `Account ${resource.slice('account:'.length)}`;
  if (resource.startsWith('s3://')) return `Bucket ${resource}`;
  return `Trail ${resource} (${checks[0]?.region ?? ''})`;
}

/** A table grouped by resource (account, then trails, then buckets) with a coloured status column. */
export function renderTable(report: AuditReport, opts: RenderOptions): string {
  const chalk = new Chalk({ level: opts.color ? 1 : 0 });
  const paint: Record<CheckStatus, (s: string) => string> = {
    pass: (s) => chalk.green(s),
    fail: (s) => chalk.red.bold(s),
    unknown: (s) => chalk.yellow(s),
  };
  // Three columns and their four borders fill the width; the detail column wraps into what is left.
  const width = opts.width ?? 80;
  const idWidth = Math.max(...report.checks.map((c) => c.id.length), 10) + 2;
  const detailWidth = Math.max(12, width - idWidth - 9 - 4);
  // Wrapped here rather than by cli-table3, which cuts a word wider than its column (an ARN, an S3 address)
  // with … and can split a character doing it: here a long word breaks across lines and stays whole.
  // Widths above include one space of padding each side; the group title spans the three columns.
  const wrap = (text: string, columns: number): string => (opts.wide ? text : wrapToWidth(text, columns - 2));
  const table = newTable(['status', 'check', 'detail'], opts.color, opts.wide ? {} : { colWidths: [9, idWidth, detailWidth] });
  const groups = new Map<string, CheckResult[]>();
  for (const c of report.checks) groups.set(c.resource, [...(groups.get(c.resource) ?? []), c]);
  for (const [resource, checks] of groups) {
    table.push([{ colSpan: 3, content: chalk.bold(wrap(neutralize(groupTitle(resource, checks)), 9 + idWidth + detailWidth + 2)) }]);
    for (const c of checks) table.push([paint[c.status](c.status), wrap(neutralize(c.id), idWidth), wrap(neutralize(c.detail), detailWidth)]);
  }
  const n = summarize(report);
  const summary =
    `${report.checks.length} ${report.checks.length === 1 ? 'check' : 'checks'}: ${paint.pass(`${n.pass} pass`)}, ${paint.fail(`${n.fail} fail`)}, ${paint.unknown(`${n.unknown} unknown`)}` +
    ` (account ${neutralize(report.account)}, regions ${neutralize(report.regions.join(', ') || '-')})`;
  return `${table.toString()}\n${summary}\n${report.replay ? renderReplay(report.replay, chalk, { width, wide: opts.wide === true }, opts.notes) : ''}`;
}

const REPLAY_COLUMNS: FitColumn[] = [
  { header: 'fired', priority: 1, min: 5 },
  { header: 'first', priority: 4, min: 20 },
  { header: 'last', priority: 5, min: 20 },
  { header: 'kind', priority: 3, min: 13 },
  { header: 'name', priority: 2, min: 16 },
  { header: 'where', priority: 6, min: 16 },
];

function renderReplay(r: ReplayReport, chalk: ChalkInstance, fit: FitOptions, notes?: (line: string) => void): string {
  const rows = r.patterns.map((p) => [
    p.error ? '?' : String(p.fired),
    neutralize(p.first ?? '-'),
    neutralize(p.last ?? '-'),
    neutralize(p.kind),
    neutralize(p.name),
    neutralize(p.error ? `${p.where} (pattern not evaluated: ${p.error})` : p.where),
  ]);
  const paint = (cell: string, column: number): string => (column === 0 && cell === '?' ? chalk.yellow(cell) : cell);
  const span = r.events ? `${r.events} events from ${r.from} to ${r.to}` : 'no events';
  if (!r.patterns.length) return `\nReplay over ${span}:\n(no metric filters or EventBridge rules found)\n`;
  return `\nReplay over ${span}:\n${renderFitted(REPLAY_COLUMNS, rows, fit, chalk.level > 0, notes, paint)}`;
}
