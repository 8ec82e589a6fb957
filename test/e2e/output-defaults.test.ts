import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/commands.js';
import { cliPath, repoRoot, runCli } from '../helpers/cli.js';
import { startMoto, type MotoServer } from '../helpers/moto.js';
import { tempDir } from '../helpers/temp.js';
import { TrailFixture, makeKey } from '../helpers/trail-fixture.js';

/**
 * One -o vocabulary and one default rule for every command: a table on a terminal, the command's machine
 * format (NDJSON or JSON) into a pipe. Each command runs both ways: through pipes, and on a real
 * pseudo-terminal (util-linux `script`).
 */
const demo = join(repoRoot, 'fixtures/demo');
let tmp: string;
let mirror: string;
let moto: MotoServer;

before(async () => {
  tmp = tempDir('ctrail-defaults-');
  mirror = join(tmp, 'mirror');
  const fx = new TrailFixture();
  const key = makeKey();
  fx.addChain({ bucket: 'b', prefix: '', account: '111111111111', region: 'us-east-1', trailName: 't', homeRegion: 'us-east-1', firstEnd: new Date('2026-03-14T01:17:28Z'), hours: 3, key });
  fx.writeMirror(mirror, 'b', { window: { start: new Date('2026-03-14T01:00:00Z'), end: new Date('2026-03-14T03:00:00Z') }, keys: [key] });
  moto = await startMoto();
});

after(async () => {
  await moto?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

type Machine = 'ndjson' | 'json';
interface Case {
  args: () => string[];
  env?: () => NodeJS.ProcessEnv;
  machine: Machine;
  /** What the table form starts with or holds. */
  table: RegExp;
  /** The demo has nothing for it to print in a machine format (insights: its rates are steady). */
  emptyMachine?: boolean;
}

const CASES: Record<string, Case | 'no -o'> = {
  events: { args: () => ['events', demo, '--event-name', 'DeleteTable'], machine: 'ndjson', table: /│ time +│ / },
  'find-deletion': { args: () => ['find-deletion', 'orders', demo], machine: 'ndjson', table: /│ time +│ outcome/ },
  trace: { args: () => ['trace', 'ASIAZ7ADMINSESSION01', demo], machine: 'ndjson', table: /ASIAZ7ADMINSESSION01 as assumed-role/ },
  activity: { args: () => ['activity', 'ASIAZ7ADMINSESSION01', demo], machine: 'ndjson', table: /^Sessions:\r?$/m },
  count: { args: () => ['count', demo, '--interval', '1d'], machine: 'ndjson', table: /│ time +│ count/ },
  insights: { args: () => ['insights', demo, '--baseline', '15m'], machine: 'ndjson', table: /baseline .* insights/, emptyMachine: true },
  hunt: { args: () => ['hunt', '--rules', 'fixtures/sigma/rules', 'fixtures/sigma/records.ndjson'], machine: 'ndjson', table: /│ time +│ level +│ rule/ },
  audit: { args: () => ['audit'], env: () => moto.env, machine: 'json', table: /│/ },
  validate: { args: () => ['validate', mirror], env: () => ({ AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9' }), machine: 'json', table: /Validating log files in / },
  mirror: 'no -o',
  // Its subcommands: setup prints what it did, query prints Athena's own rows as tab-separated text.
  athena: 'no -o',
  completion: 'no -o',
};

/** On a pseudo-terminal, stdout and stderr are one stream: the table must be in it, and no JSON. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; out: string } {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', quoted, '/dev/null'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', NO_COLOR: '1', TERM: 'xterm-256color', COLUMNS: '200', ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout };
}

function isMachine(text: string, machine: Machine): boolean {
  try {
    if (machine === 'json') return typeof JSON.parse(text) === 'object';
    const lines = text.split('\n').filter(Boolean);
    return lines.length > 0 && lines.every((l) => typeof JSON.parse(l) === 'object');
  } catch {
    return false;
  }
}

test('the table of cases names every command', () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(COMMANDS).sort());
});

test('every command: -o choices from one vocabulary, named in its --help', async () => {
  // The shared words, plus the command-specific forms (count's chart, insights' cloudtrail, validate's old
  // name text, the Timesketch timeline).
  const vocabulary = new Set(['table', 'ndjson', 'json', 'csv', 'chart', 'cloudtrail', 'text', 'timesketch']);
  for (const [name, c] of Object.entries(CASES)) {
    const help = (await runCli([name, '--help'])).stdout;
    if (c === 'no -o') {
      assert.doesNotMatch(help, /-o, --output /, `${name} has no -o`);
      continue;
    }
    const choices = /-o, --output <format> [^()]*(?:\([^)]*\)[^()]*)*?\(choices: ([^)]*)\)/.exec(help.replace(/\s+/g, ' '))?.[1];
    assert.ok(choices, `${name} --help names its -o choices`);
    const formats = choices.split(', ').map((f) => JSON.parse(f) as string);
    assert.ok(formats.includes('table'), `${name} has a table form`);
    assert.ok(formats.includes(c.machine), `${name} has its machine format`);
    for (const f of formats) assert.ok(vocabulary.has(f), `${name}: -o ${f} is not in the vocabulary`);
    assert.match(help.replace(/\s+/g, ' '), new RegExp(`default: table on a terminal, ${c.machine} otherwise`), `${name} --help names the defaults`);
  }
});

test('find-deletion, trace and activity: -o names what each one\'s table form prints', async () => {
  const tableForm = async (name: string): Promise<string | undefined> => /\(table: ([^)]*)\)/.exec((await runCli([name, '--help'])).stdout.replace(/\s+/g, ' '))?.[1];
  assert.equal(await tableForm('find-deletion'), 'the answer, a table and the chains');
  // trace and activity print sentences and a timeline, no table of deletions.
  assert.equal(await tableForm('trace'), "the answer and each credential's chain");
  assert.equal(await tableForm('activity'), 'the summary, then the timeline');
});

test('into a pipe, every command prints its machine format; on a terminal, its table', async () => {
  for (const [name, c] of Object.entries(CASES)) {
    if (c === 'no -o') continue;
    const env = c.env?.() ?? {};
    const piped = await runCli(c.args(), { env });
    assert.ok(piped.code === 0 || piped.code === 1, `${name} into a pipe: ${piped.code} ${piped.stderr}`);
    assert.ok(c.emptyMachine ? piped.stdout === '' : isMachine(piped.stdout, c.machine), `${name} into a pipe prints ${c.machine}: ${piped.stdout.slice(0, 200)}`);
    assert.doesNotMatch(piped.stdout, c.table, `${name} into a pipe prints no table`);
    const tty = onTerminal(c.args(), env);
    assert.ok(tty.status === 0 || tty.status === 1, `${name} on a terminal: ${tty.status} ${tty.out}`);
    assert.match(tty.out, c.table, `${name} on a terminal prints its table`);
    assert.ok(!isMachine(tty.out, c.machine), `${name} on a terminal is not ${c.machine}`);
    // And -o table into a pipe is the table: the default is only a default.
    // (At the width the terminal run has, so the columns the patterns name are not the ones fitting leaves out.)
    const table = await runCli([...c.args(), '-o', 'table'], { env: { ...env, COLUMNS: '200' } });
    assert.match(table.stdout, c.table, `${name} -o table into a pipe`);
  }
});
