import { Chalk, type ChalkInstance } from 'chalk';
import { neutralize } from './sanitize.js';
import { newTable } from './table.js';
import type { ReplayReport } from '../audit/types.js';
import type { AuditReport, CheckResult, CheckStatus } from '../audit/types.js';

export interface RenderOptions {
  color: boolean;
  /** Terminal width, for wrapping the detail column. */
  width?: number;
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
  const width = Math.max(80, opts.width ?? 120);
  const idWidth = Math.max(...report.checks.map((c) => c.id.length), 10) + 2;
  const detailWidth = width - idWidth - 9 - 4 - 2;
  const table = newTable(['status', 'check', 'detail'], opts.color, { colWidths: [9, idWidth, detailWidth], wordWrap: true, wrapOnWordBoundary: true });
  const groups = new Map<string, CheckResult[]>();
  for (const c of report.checks) groups.set(c.resource, [...(groups.get(c.resource) ?? []), c]);
  for (const [resource, checks] of groups) {
    table.push([{ colSpan: 3, content: chalk.bold(neutralize(groupTitle(resource, checks))) }]);
    for (const c of checks) table.push([paint[c.status](c.status), neutralize(c.id), neutralize(c.detail)]);
  }
  const n = summarize(report);
  const summary =
    `${report.checks.length} checks: ${paint.pass(`${n.pass} pass`)}, ${paint.fail(`${n.fail} fail`)}, ${paint.unknown(`${n.unknown} unknown`)}` +
    ` (account ${neutralize(report.account)}, regions ${neutralize(report.regions.join(', ') || '-')})`;
  return `${table.toString()}\n${summary}\n${report.replay ? renderReplay(report.replay, chalk) : ''}`;
}

function renderReplay(r: ReplayReport, chalk: ChalkInstance): string {
  const table = newTable(['fired', 'first', 'last', 'kind', 'name', 'where'], chalk.level > 0);
  for (const p of r.patterns) {
    table.push([
      p.error ? chalk.yellow('?') : String(p.fired),
      p.first ?? '-',
      p.last ?? '-',
      p.kind,
      neutralize(p.name),
      neutralize(p.error ? `${p.where} (pattern not evaluated: ${p.error})` : p.where),
    ]);
  }
  const span = r.events ? `${r.events} events from ${r.from} to ${r.to}` : 'no events';
  return `\nReplay over ${span}:\n${r.patterns.length ? table.toString() : '(no metric filters or EventBridge rules found)'}\n`;
}
