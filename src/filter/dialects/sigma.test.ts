import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CloudTrailEvent } from '../../cloudtrail/event.js';
import { firingRules, huntMatcher, loadSigmaRule, loadSigmaSources, sigmaMatcher, type SigmaRule } from './sigma.js';

const fixtures = fileURLToPath(new URL('../../../../fixtures/sigma/', import.meta.url));

/** The rule fixtures are flat folders of .yml files (the CLI's recursive reader is tested in cli/). */
function readSigmaSources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.yml'))
    .sort()
    .map((n) => ({ file: `${dir}/${n}`, text: readFileSync(`${dir}/${n}`, 'utf8') }));
}

const records = readFileSync(`${fixtures}records.ndjson`, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as CloudTrailEvent);

interface Variant {
  base: string;
  set?: Record<string, unknown>;
  unset?: string[];
}
interface Case {
  rule: string;
  fires: Variant;
  quiet: Variant;
}

function build(v: Variant): CloudTrailEvent {
  const base = records.find((r) => r.eventName === v.base);
  assert.ok(base, `no base record ${v.base}`);
  const event = structuredClone(base) as Record<string, unknown>;
  const walk = (path: string, create: boolean): [Record<string, unknown>, string] | undefined => {
    const parts = path.split('.');
    let obj = event;
    for (const p of parts.slice(0, -1)) {
      if (obj[p] === undefined || obj[p] === null) {
        if (!create) return undefined;
        obj[p] = {};
      }
      obj = obj[p] as Record<string, unknown>;
    }
    return [obj, parts.at(-1)!];
  };
  for (const [path, value] of Object.entries(v.set ?? {})) {
    const [obj, key] = walk(path, true)!;
    obj[key] = value;
  }
  for (const path of v.unset ?? []) {
    const found = walk(path, false);
    assert.ok(found && found[1] in found[0], `unset of missing ${path}`);
    delete found![0][found![1]];
  }
  return event as CloudTrailEvent;
}

const rule = (yaml: string): SigmaRule => {
  const loaded = loadSigmaRule(yaml, 'inline.yml');
  if (!('rule' in loaded)) assert.fail(`skipped: ${loaded.skipped.reason}`);
  return loaded.rule;
};

const header = `title: t\nid: 00000000-0000-0000-0000-000000000000\nauthor: someone\nlevel: high\nlogsource:\n  product: aws\n  service: cloudtrail\n`;

test('every shipped SigmaHQ rule fires on its record and stays quiet on the other', async () => {
  const sources = readSigmaSources(`${fixtures}rules`);
  const { rules, skipped } = loadSigmaSources(sources);
  // Parsed once per thread: the same set gives the same rule objects (hunt names the rules of each hit with them).
  assert.equal(loadSigmaSources(sources).rules[0], rules[0]);
  assert.deepEqual(skipped, []);
  const cases = JSON.parse(readFileSync(`${fixtures}cases.json`, 'utf8')) as Case[];
  const byFile = new Map(cases.map((c) => [c.rule, c]));
  assert.equal(rules.length, 55);
  for (const r of rules) {
    const name = r.file.split('/').at(-1)!;
    const c = byFile.get(name);
    assert.ok(c, `no case for ${name}`);
    assert.ok(r.author && r.id && r.level, `${name}: attribution fields`);
    const fires = build(c.fires);
    const quiet = build(c.quiet);
    assert.equal(r.matcher.matches(fires), true, `${name} should fire`);
    assert.equal(r.matcher.matches(quiet), false, `${name} should stay quiet`);
    const raw = JSON.stringify(fires);
    for (const group of r.matcher.needles) assert.ok(group.some((n) => raw.includes(n)), `${name}: needles reject a firing record`);
  }
  assert.equal(byFile.size, rules.length);
  // The combined hunt matcher, and the recipe part built from the files (a copy, as a worker gets it), agree with the per-rule ones.
  const all = huntMatcher(rules);
  const part = sigmaMatcher(structuredClone(sources));
  assert.deepEqual(part.needles, all.needles);
  for (const c of cases) {
    assert.equal(all.matches(build(c.fires)), true);
    assert.equal(part.matches(build(c.fires)), true);
    assert.equal(part.matches(build(c.quiet)), all.matches(build(c.quiet)));
    assert.ok(firingRules(rules, build(c.fires)).some((r) => r.file.endsWith(c.rule)));
  }
});

test('rules that need more than one event, or placeholders, are skipped with the reason', async () => {
  const { rules, skipped } = loadSigmaSources(readSigmaSources(`${fixtures}unsupported`));
  assert.equal(rules.length, 0);
  assert.equal(skipped.length, 9);
  const reason = (file: string): string => skipped.find((s) => s.file.endsWith(file))!.reason;
  assert.match(reason('aws_ec2_download_userdata.yml'), /count\(\) > 10.*aggregates/);
  assert.match(reason('aws_ses_messaging_enabled.yml'), /timeframe 5m/);
  assert.match(reason('aws_lambda_function_created_or_invoked.yml'), /\| near|aggregates/);
  assert.match(reason('aws_cloudtrail_console_login_success_from_susp_locations.yml'), /placeholder/);
  assert.ok(skipped.every((s) => s.title && s.reason));
});

test('modifiers: contains, startswith, endswith, all, re, cidr, exists, cased', () => {
  const e = records.find((r) => r.eventName === 'AuthorizeSecurityGroupIngress')!;
  const m = (detection: string): boolean => rule(`${header}detection:\n${detection}`).matcher.matches(e);
  assert.equal(m(`  s:\n    eventName|contains: 'securitygroup'\n  condition: s`), true);
  assert.equal(m(`  s:\n    eventName|startswith: 'authorize'\n  condition: s`), true);
  assert.equal(m(`  s:\n    eventName|endswith: 'Egress'\n  condition: s`), false);
  assert.equal(m(`  s:\n    eventName|contains|all:\n      - Authorize\n      - Ingress\n  condition: s`), true);
  assert.equal(m(`  s:\n    eventName|contains|all:\n      - Authorize\n      - Egress\n  condition: s`), false);
  assert.equal(m(`  s:\n    eventName|re: '^Authorize.*Ingress$'\n  condition: s`), true);
  assert.equal(m(`  s:\n    eventName|re: '^authorize'\n  condition: s`), false);
  assert.equal(m(`  s:\n    eventName|re|i: '^authorize'\n  condition: s`), true);
  assert.equal(m(`  s:\n    eventName|cased: 'authorizesecuritygroupingress'\n  condition: s`), false);
  assert.equal(m(`  s:\n    eventName: 'authorizesecuritygroupingress'\n  condition: s`), true);
  assert.equal(m(`  s:\n    eventName: 'Authorize*Group?ngress'\n  condition: s`), true);
  assert.equal(m(`  s:\n    errorCode|exists: false\n  condition: s`), true);
  assert.equal(m(`  s:\n    userIdentity.arn|exists: true\n  condition: s`), true);
  assert.equal(m(`  s:\n    errorCode: null\n  condition: s`), true);
  const ip = e.sourceIPAddress!;
  const net = ip.split('.').slice(0, 2).map(Number).join('.') + '.0.0/16';
  assert.equal(m(`  s:\n    sourceIPAddress|cidr: '${net}'\n  condition: s`), true);
  assert.equal(m(`  s:\n    sourceIPAddress|cidr: '203.0.113.0/24'\n  condition: s`), false);
  // Objects are matched through their JSON text and nested strings.
  assert.equal(m(`  s:\n    requestParameters|contains: '"fromPort":22'\n  condition: s`), JSON.stringify(e.requestParameters).includes('"fromPort":22'));
});

test('fieldref, base64, windash and keyword lists', () => {
  const login = records.find((r) => r.eventName === 'UpdateLoginProfile')!;
  const same = { ...login, requestParameters: { userName: login.userIdentity!.userName! } } as CloudTrailEvent;
  const ref = rule(`${header}detection:\n  s:\n    userIdentity.userName|fieldref: requestParameters.userName\n  condition: s`);
  assert.equal(ref.matcher.matches(same), true);
  assert.equal(ref.matcher.matches({ ...login, requestParameters: { userName: 'someone-else' } } as CloudTrailEvent), false);
  const encoded = { ...login, userAgent: Buffer.from('curl/8.0').toString('base64') } as CloudTrailEvent;
  assert.equal(rule(`${header}detection:\n  s:\n    userAgent|base64: 'curl/8.0'\n  condition: s`).matcher.matches(encoded), true);
  const cmd = { ...login, requestParameters: { commands: ['net user /add x'] } } as unknown as CloudTrailEvent;
  assert.equal(rule(`${header}detection:\n  s:\n    requestParameters.commands|windash|contains: ' -add '\n  condition: s`).matcher.matches(cmd), true);
  const kw = rule(`${header}detection:\n  keywords:\n    - 'stratus-red-team'\n  condition: keywords`);
  assert.equal(kw.matcher.matches(login), true);
  assert.equal(kw.matcher.matches({ ...login, userAgent: 'x', userIdentity: {}, requestParameters: {} } as CloudTrailEvent), false);
});

test('condition grammar: not, and/or precedence, parentheses, 1 of, all of, them', () => {
  const e = records.find((r) => r.eventName === 'StopLogging')!;
  const detection = `  sel_a:\n    eventName: StopLogging\n  sel_b:\n    eventSource: cloudtrail.amazonaws.com\n  sel_c:\n    eventName: DeleteTrail\n  filter:\n    userIdentity.type: Root\n`;
  const c = (condition: string): boolean => rule(`${header}detection:\n${detection}  condition: ${condition}`).matcher.matches(e);
  assert.equal(c('sel_a and not filter'), true);
  assert.equal(c('sel_c or sel_a and sel_b'), true);
  assert.equal(c('(sel_c or sel_a) and filter'), false);
  assert.equal(c('sel_c or sel_a and filter'), false);
  assert.equal(c('not sel_c and not filter'), true);
  assert.equal(c('1 of sel_*'), true);
  assert.equal(c('all of sel_*'), false);
  assert.equal(c('all of sel_a*'), true);
  assert.equal(c('1 of them and not filter'), true);
  assert.equal(c('all of them'), false);
  assert.equal(rule(`${header}detection:\n${detection}  condition:\n    - sel_c\n    - sel_a`).matcher.matches(e), true);
});

test('unsupported constructs are reported, not run', () => {
  const skip = (yaml: string): string => {
    const loaded = loadSigmaRule(yaml, 'x.yml');
    assert.ok('skipped' in loaded);
    return loaded.skipped.reason;
  };
  assert.match(skip(`${header}detection:\n  s:\n    eventName|base64offset|contains: x\n  condition: s`), /modifier "base64offset"/);
  assert.match(skip(`${header}detection:\n  s:\n    eventName: x\n  condition: s | count() by sourceIPAddress > 5`), /aggregates/);
  assert.match(skip(`${header}detection:\n  s:\n    eventName: x\n  condition: s and t`), /unknown detection "t"/);
  assert.match(skip(`${header}detection:\n  s:\n    eventName: x\n  condition: 2 of s*`), /only "1 of" and "all of"/);
  assert.match(skip(`title: t\nlogsource:\n  product: windows\ndetection:\n  s:\n    a: b\n  condition: s`), /logsource/);
  assert.match(skip(`title: [unclosed\n`), /YAML error/);
});

test('needles come only from eventSource, in lower case, so case-insensitive matches are never lost', () => {
  const r = rule(`${header}detection:\n  s:\n    eventSource: CloudTrail.amazonaws.com\n    eventName: StopLogging\n  condition: s`);
  assert.deepEqual(r.matcher.needles, [['"cloudtrail.amazonaws.com"']]);
  const either = rule(`${header}detection:\n  a:\n    eventSource: s3.amazonaws.com\n  b:\n    eventName: X\n  condition: a or b`);
  assert.deepEqual(either.matcher.needles, []);
});

test('prototype names are missing fields', () => {
  const e = records.find((r) => r.eventName === 'StopLogging')!;
  assert.equal(rule(`${header}detection:\n  s:\n    constructor|exists: false\n    toString: null\n  condition: s`).matcher.matches(e), true);
});
