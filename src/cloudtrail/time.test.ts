import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventTimeMs, formatDuration, isoBasic, isoTime } from './time.js';

const T0 = Date.UTC(2024, 4, 1, 10);

test('every form AWS writes reads as the same UTC instant', () => {
  assert.equal(eventTimeMs('2024-05-01T10:00:00Z'), T0);
  assert.equal(eventTimeMs('2024-05-01T10:00:00.250Z'), T0 + 250);
  assert.equal(eventTimeMs('2024-05-01T12:00:00+02:00'), T0);
  assert.equal(eventTimeMs('2024-05-01T05:00:00-0500'), T0);
  assert.equal(eventTimeMs('2024-05-01 10:00:00.000000000'), T0, 'CloudTrail Lake form, UTC without a zone');
  assert.equal(eventTimeMs('2024-05-01 10:00:00'), T0);
  assert.equal(eventTimeMs('20240501T100000Z'), T0);
  assert.equal(eventTimeMs('20240501T1000Z'), T0);
  assert.equal(eventTimeMs('May 1, 2024, 10:00:00 AM'), T0, 'STS expiration prose');
  assert.equal(eventTimeMs('May 1, 2024, 12:00:00 PM'), T0 + 2 * 3_600_000);
  assert.equal(eventTimeMs(T0 / 1000), T0, 'epoch seconds');
  assert.equal(eventTimeMs(T0), T0, 'epoch milliseconds');
});

test('malformed or impossible times are undefined, never a rolled-over date', () => {
  for (const bad of ['2025-10-21TT00:52:27Z', '2025-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2025-04-31T00:00:00Z', '2025-13-01T00:00:00Z', '2025-01-01T24:00:00Z', 'yesterday', '', '2025-01-01', null, {}, Number.NaN]) {
    assert.equal(eventTimeMs(bad), undefined, String(bad));
  }
  // The last days of months are real dates.
  for (const good of ['2024-02-29T00:00:00Z', '2025-01-31T23:59:59Z', '2025-04-30T00:00:00Z', '2025-12-31T00:00:00Z']) {
    assert.equal(eventTimeMs(good), Date.parse(good), good);
  }
});

test('one ISO writer: a zero fraction is dropped, a real one kept unless seconds are asked for', () => {
  assert.equal(isoTime(T0), '2024-05-01T10:00:00Z');
  assert.equal(isoTime(new Date(T0 + 250)), '2024-05-01T10:00:00.250Z');
  assert.equal(isoTime(T0 + 250, 's'), '2024-05-01T10:00:00Z');
  assert.equal(isoBasic(T0 + 7_000), '20240501T100007Z');
  assert.equal(isoBasic(T0 + 7_000, 'min'), '20240501T1000Z');
  assert.equal(eventTimeMs(isoBasic(T0)), T0);
});

// Every reader of times, run in a child under each zone: the answers must not depend on the machine's zone.
const PROBE = `
const [{ eventTimeMs, isoTime }, { parseTime }] = await Promise.all([import(process.argv[1]), import(process.argv[2])]);
const inputs = ['2025-03-26 16:43:57.000000000', '2025-03-26 16:43:57', '2025-03-26T16:43:57Z', '2025-03-26T16:43:57.5Z', '20250326T164357Z', 'Mar 26, 2025, 4:43:57 PM'];
const user = ['2025-03-26', '2025-03-26T16:43', '2025-03-26 16:43:57', '20250326T164357Z', '20250326'];
const now = Date.UTC(2025, 2, 26);
process.stdout.write(JSON.stringify({
  events: inputs.map((s) => eventTimeMs(s)),
  user: user.map((s) => parseTime(s, '--start', now).getTime()),
  relative: parseTime('7d', '--start', now).getTime(),
  written: isoTime(eventTimeMs('2025-03-26 16:43:57.000000000')),
}));
`;

test('time readers give the same answers under TZ=UTC and TZ=America/New_York (and Asia/Tokyo)', () => {
  const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
  const run = (tz: string): unknown => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, here('./time.js'), here('../cli/time.js')], {
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as unknown;
  };
  const utc = run('UTC');
  const lake = Date.UTC(2025, 2, 26, 16, 43, 57);
  assert.deepEqual(utc, {
    events: [lake, lake, lake, lake + 500, lake, lake],
    user: [Date.UTC(2025, 2, 26), Date.UTC(2025, 2, 26, 16, 43), lake, lake, Date.UTC(2025, 2, 26)],
    relative: Date.UTC(2025, 2, 19),
    written: '2025-03-26T16:43:57Z',
  });
  assert.deepEqual(run('America/New_York'), utc);
  assert.deepEqual(run('Asia/Tokyo'), utc);
});

test('formatDuration writes the largest whole unit, and nothing as 0s (never "0w")', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(3 * 3_600_000), '3h');
  assert.equal(formatDuration(14 * 86_400_000), '2w');
  assert.equal(formatDuration(90_000), '90s');
  assert.equal(formatDuration(1_500), '1500ms');
});
