/**
 * Writes the docs tables that would otherwise copy code: the deletion catalogue, the audit checks and the
 * validate problem kinds. Each table sits between BEGIN/END GENERATED markers in its page; the prose
 * around it is hand-written and left alone.
 *
 *   npm run gen-docs            rewrite the tables from the code
 *   node dist/scripts/gen-docs.js --check   exit 1 and name the stale pages
 *
 * test/docs.test.ts runs the same generation in memory, so CI fails when a page is stale.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ALERT_CONTROLS, BENIGN_EVENTS, TRAIL_TAMPERING } from '../src/audit/canonical-events.js';
import { CHECKS } from '../src/audit/checks.js';
import { DELETION_CATALOGUE, CONTENT_DELETIONS, type TargetPath } from '../src/forensics/catalogue.js';
import { DEFERRED_DELETIONS } from '../src/forensics/catalogue-deferred.js';
import { PROBLEM_KINDS, type ProblemKind } from '../src/integrity/problems.js';

export const REGENERATE_COMMAND = 'npm run gen-docs';

/** A page and the named block in it that the code owns. */
export interface GeneratedBlock {
  file: string;
  name: string;
  render(): string;
}

export const BLOCKS: readonly GeneratedBlock[] = [
  { file: 'docs/catalogue.md', name: 'catalogue', render: renderCatalogue },
  { file: 'docs/audit-checks.md', name: 'audit-checks', render: renderAuditChecks },
  { file: 'docs/audit-checks.md', name: 'canonical-events', render: renderCanonicalEvents },
  { file: 'docs/audit-checks.md', name: 'benign-events', render: renderBenignEvents },
  { file: 'docs/problem-kinds.md', name: 'problem-kinds', render: renderProblemKinds },
];

/** Markdown table cells: a pipe or a newline from the code must not break the row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return '`' + text + '`';
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

function targetPath(t: string | TargetPath): string {
  if (typeof t === 'string') return code(t);
  const notes: string[] = [];
  if (t.transform && t.transform !== 'none') notes.push(t.transform);
  if (t.arn === null) notes.push('no ARN');
  else if (t.arn !== undefined) notes.push(`ARN ${code(t.arn)}`);
  return notes.length ? `${code(t.path)} (${notes.join(', ')})` : code(t.path);
}

export function renderCatalogue(): string {
  const types = new Set(DELETION_CATALOGUE.map((r) => r.resourceType));
  const rows = DELETION_CATALOGUE.map((r) => [
    r.resourceType,
    r.eventSource.replace(/\.amazonaws\.com$/, ''),
    r.eventName,
    r.targets.map(targetPath).join(', '),
    r.arn === null ? '—' : code(r.arn),
    r.effect,
    r.parent ? `${r.parent.resourceType} (${r.parent.targets.map(code).join(', ')})` : '—',
  ]);
  const deferred = DEFERRED_DELETIONS.map((d) => [
    d.eventSource.replace(/\.amazonaws\.com$/, ''),
    d.executor,
    d.schedulers.join(', '),
    d.cancellers.map((c) => `${c.eventName} (${c.targets.map(code).join(', ')})`).join(', '),
    `${d.maxWaitDays} days`,
  ]);
  const content = CONTENT_DELETIONS.map((c) => [c.eventSource.replace(/\.amazonaws\.com$/, ''), c.eventName]);
  return [
    `${DELETION_CATALOGUE.length} rows covering ${types.size} resource types.`,
    '',
    table(['type', 'service', 'API', 'target paths', 'ARN template', 'effect', 'part of (related when asked about it)'], rows),
    '',
    'Calls named `Delete<Parent><Sub>` where `Delete<Parent>` is a row above (DeleteBucketLifecycle,',
    'DeleteFunctionConcurrency, …) are parts of that parent too. Deletions AWS carries out itself, linked to',
    'the last scheduling call that was not cancelled (see [find-deletion attribution](find-deletion-attribution.md)):',
    '',
    table(['service', 'carried out by AWS', 'scheduled by', 'cancelled by', 'longest wait'], deferred),
    '',
    'Calls that delete content inside a resource, never the resource itself, and are left out of the',
    'heuristic fallback:',
    '',
    table(['service', 'API'], content),
  ].join('\n');
}

export function renderAuditChecks(): string {
  const rows = CHECKS.map((c) => [
    code(c.id),
    c.scope,
    c.title,
    c.passesWhen,
    c.references.cis.join(', ') || '—',
    c.references.securityHub.join(', ') || '—',
  ]);
  return [
    `${CHECKS.length} checks, in report order.`,
    '',
    table(['id', 'per', 'title', 'passes when', 'CIS v3.0', 'Security Hub'], rows),
  ].join('\n');
}

export function renderCanonicalEvents(): string {
  const rows = [...ALERT_CONTROLS, TRAIL_TAMPERING].map((c) => [code(c.id), c.title, c.events.map((e) => e.label).join(', ')]);
  return table(['check', 'title', 'canonical events (each must match)'], rows);
}

export function renderBenignEvents(): string {
  return BENIGN_EVENTS.map((e) => `- ${e.label}`).join('\n');
}

export function renderProblemKinds(): string {
  const kinds = Object.keys(PROBLEM_KINDS) as ProblemKind[];
  const rows = kinds.map((k) => [
    code(k),
    PROBLEM_KINDS[k].what,
    PROBLEM_KINDS[k].meaning,
    PROBLEM_KINDS[k].fails ? 'yes' : 'no',
  ]);
  return table(['kind', 'about', 'meaning', 'fails'], rows);
}

export function beginMarker(name: string): string {
  return `<!-- BEGIN GENERATED: ${name}. Do not edit; run \`${REGENERATE_COMMAND}\`. -->`;
}

export function endMarker(name: string): string {
  return `<!-- END GENERATED: ${name} -->`;
}

export type Spliced = { ok: true; text: string } | { ok: false; error: string };

/** Replaces what lies between the block's markers; the page must hold each marker exactly once. */
export function splice(page: string, name: string, body: string): Spliced {
  const begin = beginMarker(name);
  const end = endMarker(name);
  const from = page.indexOf(begin);
  const to = page.indexOf(end);
  if (from < 0 || to < 0 || to < from || page.indexOf(begin, from + 1) >= 0 || page.indexOf(end, to + 1) >= 0) {
    return { ok: false, error: `needs exactly one "${begin}" followed by one "${end}"` };
  }
  return { ok: true, text: page.slice(0, from + begin.length) + '\n' + body + '\n' + page.slice(to) };
}

export interface PageState {
  file: string;
  current: string;
  expected: string;
}

export type Regenerated = { ok: true; pages: PageState[] } | { ok: false; error: string };

/** Every page as it is on disk and as the code says it should be; nothing is written. */
export function regenerate(root: string): Regenerated {
  const pages = new Map<string, PageState>();
  for (const block of BLOCKS) {
    const path = join(root, block.file);
    let state = pages.get(block.file);
    if (!state) {
      if (!existsSync(path)) return { ok: false, error: `${block.file}: missing` };
      const current = readFileSync(path, 'utf8');
      state = { file: block.file, current, expected: current };
      pages.set(block.file, state);
    }
    const spliced = splice(state.expected, block.name, block.render());
    if (!spliced.ok) return { ok: false, error: `${block.file}: ${spliced.error}` };
    state.expected = spliced.text;
  }
  return { ok: true, pages: [...pages.values()] };
}

export function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return from;
    dir = up;
  }
  return dir;
}

function main(argv: readonly string[]): number {
  const root = repoRoot(dirname(fileURLToPath(import.meta.url)));
  const result = regenerate(root);
  if (!result.ok) {
    process.stderr.write(`gen-docs: ${result.error}\n`);
    return 2;
  }
  const stale = result.pages.filter((p) => p.current !== p.expected);
  if (argv.includes('--check')) {
    for (const p of stale) process.stderr.write(`gen-docs: ${p.file} is stale; run \`${REGENERATE_COMMAND}\`\n`);
    return stale.length ? 1 : 0;
  }
  for (const p of stale) {
    writeFileSync(join(root, p.file), p.expected);
    process.stdout.write(`gen-docs: wrote ${p.file}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
