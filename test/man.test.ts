import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/cli/commands.js';
import { repoRoot } from '../scripts/gen-docs.js';
import { MAN_PAGE, renderManPage, roff } from '../scripts/gen-man.js';

const root = repoRoot(dirname(fileURLToPath(import.meta.url)));
const page = join(root, MAN_PAGE);

test('man/ctrail.1 is the page the help text gives today (npm run gen-docs rewrites it)', async () => {
  assert.equal(readFileSync(page, 'utf8'), await renderManPage(), `${MAN_PAGE} is stale; run \`npm run gen-docs\` and commit the result`);
});

test('groff renders the page without a warning, with every command, option and example in it', () => {
  // groff-base comes with man-db; CI installs it (apt-get install -y groff-base) if it is missing.
  const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-P-c', page], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  if (r.error) throw new Error(`groff is needed for this test (apt-get install -y groff-base): ${r.error.message}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no troff warning');
  // Undo the typesetting (hyphenation breaks, bold by overstrike, the minus glyph) before looking for words.
  const text = r.stdout.replace(/.\x08/g, '').replace(/\u2010\n\s*/g, '').replace(/\u2212/g, '-').replace(/\s+/g, ' ');
  for (const [name, entry] of Object.entries(COMMANDS)) {
    assert.ok(text.includes(`ctrail ${name} [options]`), `${name}'s usage`);
    for (const e of entry.examples ?? []) assert.ok(text.includes(`$ ${e.replace(/\s+/g, ' ')}`), `example: ${e}`);
  }
  for (const option of ['--endpoint-url <url>', '--color <when>', '--debug', '-o, --output <format>', '--event-name <name>']) assert.ok(text.includes(option), option);
});

test('roff: text can never become a troff request or escape', () => {
  assert.equal(roff(".so /etc/passwd\n'x\\fB"), "\\&.so /etc/passwd\n\\&'x\\efB");
  assert.equal(roff('--a → b…'), '\\-\\-a \\(-> b...');
  assert.equal(roff('é'), '\\[u00E9]');
});
