import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJson, renderTable } from './audit.js';
import type { AuditReport } from '../audit/types.js';
import { displayWidth } from './fit.js';

const report: AuditReport = {
  account: '111122223333',
  regions: ['us-east-1'],
  checks: [
    { id: 'trail.logging', status: 'fail', resource: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/evil\u001b]0;owned\u0007', region: 'us-east-1', detail: 'not logging', evidence: {}, references: { cis: ['3.1'], securityHub: [] }, remediation: 'aws cloudtrail start-logging' },
    { id: 'bucket.versioning', status: 'pass', resource: 's3://logs', region: 'us-east-1', detail: 'versioning is enabled', evidence: {}, references: { cis: [], securityHub: ['S3.14'] }, remediation: '' },
  ],
};

test('the table colours statuses only when asked, and neutralises control characters from names', () => {
  const plain = renderTable(report, { color: false, width: 120 });
  assert.doesNotMatch(plain, /\u001b/);
  assert.match(plain, /trail\/evil\\x1b\]0;owned\\x07/);
  assert.match(plain, /2 checks: 1 pass, 1 fail, 0 unknown \(account 111122223333, regions us-east-1\)\n$/);
  const coloured = renderTable(report, { color: true, width: 120 });
  assert.match(coloured, /\u001b\[31m\u001b\[1mfail/);
  assert.match(coloured, /\u001b\[32mpass/);
});

test('JSON keeps the documented shape', () => {
  assert.deepEqual(JSON.parse(renderJson(report)), report);
});

test('the checks and the replay fit the terminal at 60, 80 and 120 columns; --wide shows the replay whole', () => {
  const wideReport: AuditReport = {
    ...report,
    checks: [
      ...report.checks,
      { id: 'bucket.source-condition', status: 'unknown', resource: 'arn:aws:cloudtrail:eu-central-1:111122223333:trail/organization-trail-with-a-very-long-name-东京', region: 'eu-central-1', detail: 'the bucket policy could not be read: AccessDenied when calling GetBucketPolicy on the trail bucket', evidence: {}, references: { cis: [], securityHub: [] }, remediation: '' },
    ],
    replay: {
      events: 120,
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-02T00:00:00Z',
      patterns: [
        { kind: 'metric-filter', name: 'UnauthorizedAPICalls-with-a-rather-long-metric-filter-name', where: 'log group aws-cloudtrail-logs-111122223333-organization (us-east-1)', pattern: '{ $.errorCode = "AccessDenied" }', fired: 3, first: '2026-03-01T03:00:00Z', last: '2026-03-01T04:00:00Z' },
        { kind: 'event-rule', name: 'evil\u001b[2Jrule', where: 'default bus (us-east-1)', pattern: '{}', fired: 0, first: null, last: null, error: 'unsupported operator' },
      ],
    },
  };
  for (const width of [60, 80, 120]) {
    const notes: string[] = [];
    const text = renderTable(wideReport, { color: false, width, notes: (l) => notes.push(l) });
    const tableLines = text.split('\n').filter((l) => /^[┌│├└]/.test(l));
    assert.ok(tableLines.length > 10);
    for (const line of tableLines) assert.ok(displayWidth(line) <= width, `width ${width}: ${displayWidth(line)} ${line}`);
    assert.doesNotMatch(text, /\u001b/);
    if (width < 120) assert.equal(notes.length, 1);
  }
  const whole = renderTable(wideReport, { color: false, width: 60, wide: true });
  assert.ok(whole.includes('UnauthorizedAPICalls-with-a-rather-long-metric-filter-name'));
  assert.ok(whole.includes('log group aws-cloudtrail-logs-111122223333-organization (us-east-1)'));
  assert.ok(whole.includes('trail/organization-trail-with-a-very-long-name-东京'));
});

test('a word wider than its column (an ARN, an S3 address) wraps whole instead of being cut, and no character is split', () => {
  const arn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const trail = 'arn:aws:cloudtrail:eu-central-1:111122223333:trail/organization-trail-with-a-very-long-name-东京';
  const long: AuditReport = {
    ...report,
    checks: [{ id: 'bucket.encryption', status: 'pass', resource: trail, region: 'eu-central-1', detail: `default encryption aws:kms with ${arn} ${'😀'.repeat(20)}`, evidence: {}, references: { cis: [], securityHub: [] }, remediation: '' }],
  };
  for (const width of [60, 80]) {
    const text = renderTable(long, { color: false, width });
    const tableLines = text.split('\n').filter((l) => /^[┌│├└]/.test(l));
    for (const line of tableLines) assert.ok(displayWidth(line) <= width, `width ${width}: ${line}`);
    assert.doesNotMatch(text, /…|\ufffd/, `width ${width}: nothing cut`);
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text), `width ${width}: no lone surrogate`);
    // Read back column by column, the cells hold every character of the ARN, the emoji and the trail.
    const cells = (column: number): string => tableLines.map((l) => l.split('│')[column] ?? '').map((c) => c.trim()).join('');
    assert.ok(cells(3).includes(arn), `width ${width}: the key ARN whole`);
    assert.ok(cells(3).includes('😀'.repeat(20)));
    assert.ok(cells(1).replace(/\s/g, '').includes(`Trail${trail}(eu-central-1)`), `width ${width}: the trail ARN whole`);
    assert.match(text, /\n1 check: 1 pass, 0 fail, 0 unknown /, 'one check is "1 check"');
  }
});
