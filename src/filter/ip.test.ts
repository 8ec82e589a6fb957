import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { compileNeedles, passesNeedles } from '../records/search.js';
import { compileEventPattern } from './dialects/eventbridge.js';
import { firingRules, loadSigmaRule } from './dialects/sigma.js';
import { compileFilters } from './flags.js';
import { anyIpNeedles, cidrContains, ipMatcher, ipNeedleGroups, parseCidr, parseIp } from './ip.js';

test('IPv4 and IPv6 parse; padded octets read as decimal; anything else is not an address', () => {
  assert.deepEqual(parseIp('10.20.1.15'), { family: 4, value: 0x0a14010fn });
  assert.deepEqual(parseIp('010.020.001.015'), parseIp('10.20.1.15'));
  assert.deepEqual(parseIp('::ffff:10.0.0.1')?.family, 6);
  assert.deepEqual(parseIp('2001:db8::1')?.value, parseIp('2001:0db8:0:0:0:0:0:1')?.value);
  for (const bad of ['256.1.1.1', '1.2.3', '0x0a.0.0.1', 'AWS Internal', 'ec2.amazonaws.com', '1::2::3', '']) assert.equal(parseIp(bad), undefined, bad);
});

test('CIDR containment, exact addresses and prefix lengths', () => {
  const net = parseCidr('10.0.0.0/8')!;
  assert.ok(cidrContains(net, '10.255.0.1'));
  assert.ok(!cidrContains(net, '11.0.0.1'));
  assert.ok(!cidrContains(net, '::a00:1'), 'families never mix');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.ok(ipMatcher('203.0.113.7')('203.0.113.7'));
  assert.ok(!ipMatcher('203.0.113.7')('203.0.113.70'));
  assert.ok(ipMatcher('2001:db8::/32')('2001:db8:1234::9'));
  assert.throws(() => ipMatcher('not-an-ip'), /not an IP address/);
  assert.throws(() => ipMatcher('10.0.0.0/40'), /bad prefix length/);
});

test('needles cover every spelling of each fixed octet, so a padded address is never pre-filtered away', () => {
  assert.deepEqual(ipNeedleGroups('10.0.0.0/8'), [['"10.', '"010.']]);
  assert.deepEqual(ipNeedleGroups('3.5.0.0/20'), [['"3.', '"03.', '"003.'], ['.5.', '.05.', '.005.']]);
  assert.deepEqual(ipNeedleGroups('203.0.113.7'), [['"203.'], ['.0.', '.00.', '.000.'], ['.113.'], ['.7"', '.07"', '.007"']]);
  assert.deepEqual(ipNeedleGroups('0.0.0.0/0'), []);
  assert.deepEqual(ipNeedleGroups('2001:db8::/32'), []);
  assert.deepEqual(anyIpNeedles(['10.0.0.0/8', '192.168.1.1']), [['"10.', '"010.', '"192.']]);
  assert.deepEqual(anyIpNeedles(['10.0.0.0/8', '2001:db8::/32']), []);
});

const at = (sourceIPAddress: string): CloudTrailEvent => ({
  eventTime: '2026-03-14T04:00:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', awsRegion: 'us-east-1', sourceIPAddress,
});

test('010.020.001.015 is inside 10.0.0.0/8 for --source-ip, EventBridge cidr and Sigma |cidr alike', () => {
  const sigma = loadSigmaRule(
    'title: t\nid: 1b5e0c8e-0000-4000-8000-000000000001\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  s:\n    sourceIPAddress|cidr: 10.0.0.0/8\n  condition: s\n',
    'r.yml',
  );
  assert.ok('rule' in sigma, JSON.stringify(sigma));
  const pattern = compileEventPattern('{"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/8"}]}}');
  const flags = compileFilters({ sourceIps: ['10.0.0.0/8'] });
  const needles = compileNeedles(flags.needles);
  for (const [ip, inside] of [['010.020.001.015', true], ['10.20.1.15', true], ['110.20.1.15', false], ['0110.20.1.15', false]] as const) {
    const e = at(ip);
    const raw = Buffer.from(JSON.stringify(e));
    const viaFlag = passesNeedles(raw, needles.plain) && flags.matches(e);
    assert.equal(viaFlag, inside, `--source-ip ${ip}`);
    assert.equal(pattern.matches(e), inside, `EventBridge cidr ${ip}`);
    assert.equal(firingRules([sigma.rule], e).length === 1, inside, `Sigma cidr ${ip}`);
  }
});

test('an exact --source-ip finds its padded spelling through the pre-filter', () => {
  const flags = compileFilters({ sourceIps: ['10.20.1.15'] });
  const needles = compileNeedles(flags.needles);
  for (const [ip, hit] of [['010.020.001.015', true], ['10.20.1.15', true], ['10.20.1.150', false], ['10.20.11.15', false]] as const) {
    const e = at(ip);
    assert.equal(passesNeedles(Buffer.from(JSON.stringify(e)), needles.plain) && flags.matches(e), hit, ip);
  }
});
