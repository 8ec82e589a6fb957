import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ALERT_CONTROLS, TRAIL_TAMPERING } from '../src/audit/canonical-events.js';
import { CHECKS } from '../src/audit/checks.js';
import { DELETION_CATALOGUE } from '../src/forensics/catalogue.js';
import { PROBLEM_KINDS } from '../src/integrity/problems.js';
import {
  BLOCKS,
  REGENERATE_COMMAND,
  beginMarker,
  endMarker,
  regenerate,
  renderAuditChecks,
  renderCanonicalEvents,
  renderCatalogue,
  renderProblemKinds,
  repoRoot,
  splice,
} from '../scripts/gen-docs.js';

const root = repoRoot(dirname(fileURLToPath(import.meta.url)));

test('the generated docs tables match the code they describe', () => {
  const result = regenerate(root);
  assert.ok(result.ok, result.ok ? '' : result.error);
  const stale = result.pages.filter((p) => p.current !== p.expected).map((p) => p.file);
  assert.deepEqual(stale, [], `stale generated docs: ${stale.join(', ')}; run \`${REGENERATE_COMMAND}\` and commit the result`);
  assert.equal(result.pages.length, new Set(BLOCKS.map((b) => b.file)).size);
});

test('every catalogue row, audit check and problem kind reaches its table', () => {
  const catalogue = renderCatalogue();
  for (const rule of DELETION_CATALOGUE) assert.ok(catalogue.includes(`| ${rule.resourceType} | `) && catalogue.includes(` | ${rule.eventName} | `), rule.eventName);
  assert.ok(catalogue.startsWith(`${DELETION_CATALOGUE.length} rows covering `));
  const checks = renderAuditChecks();
  for (const check of CHECKS) assert.ok(checks.includes(`| \`${check.id}\` | ${check.scope} | `), check.id);
  const canonical = renderCanonicalEvents();
  for (const control of [...ALERT_CONTROLS, TRAIL_TAMPERING]) assert.ok(canonical.includes(`| \`${control.id}\` | `), control.id);
  const kinds = renderProblemKinds();
  for (const kind of Object.keys(PROBLEM_KINDS)) assert.ok(kinds.includes(`| \`${kind}\` | `), kind);
});

test('every problem kind has its meaning written down, and the generated page lists each one', () => {
  const page = renderProblemKinds();
  for (const [kind, facts] of Object.entries(PROBLEM_KINDS)) {
    assert.ok(facts.meaning.trim().length > 10, `${kind}: write its meaning in src/integrity/problems.ts`);
    assert.ok(page.includes('`' + kind + '`'), kind);
  }
});

test('splice replaces only the marked block and refuses a page without exactly one pair of markers', () => {
  const page = `intro\n${beginMarker('x')}\nold | table\n${endMarker('x')}\noutro\n`;
  const out = splice(page, 'x', 'new');
  assert.ok(out.ok);
  assert.equal(out.text, `intro\n${beginMarker('x')}\nnew\n${endMarker('x')}\noutro\n`);
  const again = splice(out.text, 'x', 'new');
  assert.ok(again.ok);
  assert.equal(again.text, out.text, 'splicing the same body twice changes nothing');
  assert.equal(splice('no markers', 'x', 'new').ok, false);
  assert.equal(splice(page + page, 'x', 'new').ok, false);
  assert.equal(splice(`${endMarker('x')}\n${beginMarker('x')}`, 'x', 'new').ok, false);
});

function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) markdownFiles(path, out);
    else if (name.endsWith('.md')) out.push(path);
  }
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return out;
}

test('relative links in README.md and docs/ point at files and headings that exist', () => {
  const pages = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];
  const broken: string[] = [];
  for (const page of pages) {
    // Code blocks hold shell, not links.
    const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const [target, anchor] = m[1]!.split('#') as [string, string | undefined];
      if (/^[a-z]+:/i.test(target)) continue;
      const file = target === '' ? page : resolve(dirname(page), target);
      if (!existsSync(file)) broken.push(`${relative(root, page)} → ${m[1]}`);
      else if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '')).has(anchor)) {
        broken.push(`${relative(root, page)} → ${m[1]} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});
