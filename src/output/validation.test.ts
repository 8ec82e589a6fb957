import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJson, renderText, reportFails, reportIncomplete } from './validation.js';
import type { ChainReport } from '../integrity/chain.js';
import type { ValidationReport } from '../integrity/validate.js';

function chain(over: Partial<ChainReport>): ChainReport {
  return {
    trailName: 't',
    homeRegion: 'us-east-1',
    backfill: false,
    entries: [],
    problems: [],
    gaps: [],
    digests: { valid: 0, invalid: 0, notFound: 0, missing: 0 },
    logs: { valid: 0, invalid: 0, missing: 0 },
    referenced: new Set(),
    ...over,
  };
}

const window = { start: new Date('2026-03-14T01:00:00Z'), end: new Date('2026-03-14T06:00:00Z') };

function report(c: ChainReport, problems: ValidationReport['scopes'][number]['problems'] = []): ValidationReport {
  return { window, source: 's3://b/', scopes: [{ prefix: '', account: '111111111111', region: 'us-east-1', chains: [c], problems, unreferenced: 0 }], notices: [] };
}

test('a hostile key cannot inject terminal escapes or fake lines into the verdict output', () => {
  const uri = 's3://b/AWSLogs/x\x1b[2J\nDigest file\tfake\tvalid';
  const c = chain({
    entries: [{ type: 'log', uri, valid: false, kind: 'log-not-found', message: 'not found' }],
    logs: { valid: 0, invalid: 1, missing: 1 },
    problems: [{ kind: 'log-not-found', key: uri, detail: 'not found' }],
  });
  const text = renderText(report(c), false);
  assert.equal(text.stderr.join(''), 'Log file\ts3://b/AWSLogs/x\\x1b[2J\\nDigest file\\tfake\\tvalid\tINVALID: not found\n\n');
});

test('summary wording and counts follow the reference; unreferenced logs fail the run', () => {
  const c = chain({
    digests: { valid: 3, invalid: 1, notFound: 1, missing: 2 },
    logs: { valid: 5, invalid: 1, missing: 0 },
    foundStart: new Date('2026-03-14T01:00:00Z'),
    foundEnd: new Date('2026-03-14T06:00:00Z'),
  });
  const r = report(c, [{ kind: 'unreferenced-log', key: 's3://b/k', detail: 'no digest lists this log file' }]);
  const text = renderText(r, false);
  assert.ok(text.stdout.join('').endsWith('Results requested for 2026-03-14T01:00:00Z to 2026-03-14T06:00:00Z\nResults found for 2026-03-14T01:00:00Z to 2026-03-14T06:00:00Z:\n\n3/4 digest files valid, 1/4 digest files INVALID\n\n5/6 log files valid, 1/6 log files INVALID\n'));
  assert.equal(reportFails(r), true);
  const j = renderJson(r) as { scopes: Array<{ digests: unknown; logs: unknown }>; valid: boolean };
  assert.deepEqual(j.scopes[0]!.digests, { valid: 3, invalid: 0, missing: 2 });
  assert.equal(j.valid, false);
});

test('notes alone do not fail the run', () => {
  const r = report(chain({ digests: { valid: 1, invalid: 0, notFound: 0, missing: 0 } }));
  r.notices.push({ kind: 'org-trail', key: 's3://b/AWSLogs/o-abcdefghij/', detail: 'org layout' });
  assert.equal(reportFails(r), false);
});

test('a read error makes the run incomplete, not failed; definite evidence still fails it', () => {
  const unreadable = report(chain({ digests: { valid: 1, invalid: 0, notFound: 0, missing: 0 } }), [{ kind: 'log-error', key: 's3://b/k', detail: 'socket hang up' }]);
  assert.equal(reportFails(unreadable), false);
  assert.equal(reportIncomplete(unreadable), true);
  const both = report(chain({ digests: { valid: 1, invalid: 0, notFound: 0, missing: 0 } }), [
    { kind: 'log-error', key: 's3://b/k', detail: 'socket hang up' },
    { kind: 'log-hash-mismatch', key: 's3://b/j', detail: 'hash value doesn\'t match' },
  ]);
  assert.equal(reportFails(both), true);
  assert.equal(reportIncomplete(both), true);
});
