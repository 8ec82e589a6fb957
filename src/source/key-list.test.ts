import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyListSource } from './key-list.js';
import type { ObjectStore } from './object-store.js';
import type { ScanScope } from './types.js';

/** Only names are asked of the store here: no object is opened. */
const store = { display: (k: string) => `s3://trail/${k}`, get: () => Promise.reject(new Error('not read')) } as unknown as ObjectStore;

const key = (account: string, region: string, day: string, minute: string) =>
  `AWSLogs/o-aa11bb22cc/${account}/CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${day.replace(/\//g, '')}T${minute}Z_ABC.json.gz`;

async function named(keys: string[], scope: ScanScope): Promise<string[]> {
  const out: string[] = [];
  for await (const u of new KeyListSource(store, keys, 'rows').units(scope)) if ('unit' in u) out.push(u.unit.name.slice('s3://trail/'.length));
  return out;
}

test('named keys are read as the walk of the same scope reads them: its accounts, region folders and days only', async () => {
  const a = key('111122223333', 'eu-west-1', '2026/03/14', '0405');
  const otherAccount = key('444455556666', 'eu-west-1', '2026/03/14', '0405');
  const otherRegion = key('111122223333', 'us-west-2', '2026/03/14', '0405');
  const home = key('111122223333', 'us-east-1', '2026/03/14', '0405');
  const tooEarly = key('111122223333', 'eu-west-1', '2026/03/13', '2200');
  const tooLate = key('111122223333', 'eu-west-1', '2026/03/17', '0005');
  const lastDay = key('111122223333', 'eu-west-1', '2026/03/16', '2355');
  const all = [a, otherAccount, otherRegion, home, tooEarly, tooLate, lastDay];
  const window = { start: new Date('2026-03-14T00:00:00Z'), end: new Date('2026-03-15T12:00:00Z') };
  assert.deepEqual(await named(all, { ...window, accounts: ['111122223333'], regions: ['eu-west-1'] }), [a, lastDay].sort());
  // A global-service region opens every region folder, as the walk does.
  assert.deepEqual(await named(all, { ...window, accounts: ['111122223333'], regions: ['us-east-1'] }), [a, home, otherRegion, lastDay].sort());
  assert.deepEqual(await named(all, {}), [...all].sort(), 'no scope: every named key');
  assert.deepEqual(await named(['exports/not-in-the-layout.json.gz'], { accounts: ['111122223333'], regions: ['eu-west-1'] }), ['exports/not-in-the-layout.json.gz']);
});
