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

/**
 * What each problem kind means, in the words `ctrail validate` prints. The facts (what the kind is about,
 * whether it fails the run) come from src/integrity/problems.ts; only this prose lives here, and the test
 * fails when a kind in the code has none.
 */
export const PROBLEM_KIND_TEXT: Readonly<Record<string, string>> = {
  'digest-not-found': '`INVALID: not found` — digest a newer digest points to is gone',
  'digest-invalid-format': '`INVALID: invalid format` — not gzip/JSON, required field missing, backfill metadata missing',
  'digest-signature-failed': '`INVALID: signature verification failed` — content or signature changed, signature metadata missing',
  'digest-moved': '`INVALID: has been moved from its original location`',
  'digest-key-not-found': '`INVALID: public key not found in region R for fingerprint F`',
  'digest-key-unloadable': '`INVALID: Unable to load PKCS #1 key with fingerprint F`',
  'digest-error': '`INVALID: <text>` — e.g. `Non-hexadecimal digit found`, access denied',
  'log-hash-mismatch': "`INVALID: hash value doesn't match` (changed or truncated)",
  'log-not-found': '`INVALID: not found`',
  'log-invalid-format': '`INVALID: invalid format` (not gzip, bad deflate/CRC)',
  'log-appended-data': '`INVALID: unexpected data after end of compressed stream` (a second gzip member or trailing bytes)',
  'log-error': '`INVALID: <text>` (e.g. access denied)',
  'unreferenced-log': "a log file in the window's folders that no digest lists (injected, or its digest deleted)",
  'digest-missing': 'one of several consecutive deleted digests (the reference reports only the first); key estimated from the hourly cadence',
  'tail-missing': 'no digest covers the end of the window, and the trail status says digests were delivered after the newest one found (newest digests deleted); with --strict, any uncovered end',
  'tail-uncovered': 'no digest covers the end of the window, but nothing shows digests were deleted: logging stopped (when is named), or the trail status could not be read; a note, not a failure (--strict makes it tail-missing)',
  'no-digests': 'no digest at all for a folder or requested account',
  'gap-suspicious': 'log files delivered inside a logging gap: digests next to the gap were probably deleted',
  'chain-mismatch': '`previousDigestHashValue`/`previousDigestSignature` disagree with the previous digest',
  'copy': 'the source is a copy of another bucket/prefix; every digest reads as moved (use `--allow-copy`)',
  'copy-allowed': 'copy verified with `--allow-copy` (note)',
  'org-trail': 'org layout found with only a bucket given: validated under `o-…/` (the AWS CLI prints "No digests found") (note)',
  'hostile-key': '`ctrail mirror`: a key or digest-named object that does not fit the trail layout or would leave the mirror folder; refused',
  'name-too-long': '`ctrail mirror`: a key whose file name is too long for the file system; not copied',
  'case-collision': '`ctrail mirror`: two keys differing only in case on a case-insensitive file system; the second is not copied',
  'target-occupied': "`ctrail mirror`: a file or link already at the target that is not ctrail's own copy; left alone, not overwritten",
  'copy-failed': '`ctrail mirror`: the object could not be copied intact after retries (or its folder could not be listed)',
};

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
    PROBLEM_KIND_TEXT[k] ?? `(undocumented: add it to PROBLEM_KIND_TEXT in scripts/gen-docs.ts)`,
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
