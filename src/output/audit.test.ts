import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJson, renderTable } from './audit.js';
import type { AuditReport } from '../audit/types.js';

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
