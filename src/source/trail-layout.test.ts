import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { LocalStore } from './store.js';
import { discoverTrailLayout } from './trail-layout.js';
import { tempDir } from '../../test/helpers/temp.js';

function tree(keys: string[]): string {
  const dir = tempDir('ctrail-layout-');
  for (const k of keys) {
    mkdirSync(dirname(join(dir, k)), { recursive: true });
    writeFileSync(join(dir, k), '');
  }
  return dir;
}

const ORG = 'o-aa11bb22cc';
const log = (acct: string, region: string, day: string, p = 'trail/') => `${p}AWSLogs/${ORG}/${acct}/CloudTrail/${region}/${day}/${acct}_CloudTrail_${region}_x.json.gz`;

test('an organization trail: its id, every account and region with logs, and the oldest day folder', async () => {
  const dir = tree([
    log('111122223333', 'us-east-1', '2024/03/05'),
    log('111122223333', 'eu-west-1', '2023/12/31'),
    log('111122223333', 'eu-west-1', '2024/01/01'),
    log('444455556666', 'ap-southeast-2', '2023/12/30'),
    log('444455556666', 'ap-southeast-2', '2024/01/02'),
    // Not log folders: digests, a folder named like nothing CloudTrail writes, a hostile region name.
    `trail/AWSLogs/${ORG}/777788889999/CloudTrail-Digest/us-east-1/2020/01/01/d.json.gz`,
    `trail/AWSLogs/${ORG}/111122223333/CloudTrail/us-east-1,evil/2020/01/01/x.json.gz`,
    `trail/AWSLogs/${ORG}/notes/readme.txt`,
  ]);
  const layout = await discoverTrailLayout(new LocalStore(join(dir, 'trail')));
  assert.equal(layout.prefix, '');
  assert.equal(layout.orgId, ORG);
  assert.deepEqual(layout.accounts, ['111122223333', '444455556666']);
  assert.deepEqual(layout.regions, ['ap-southeast-2', 'eu-west-1', 'us-east-1']);
  assert.equal(layout.firstDay, '2023/12/30');
  assert.equal(layout.ignored.length, 2);
  assert.ok(layout.ignored.some((i) => i.includes('us-east-1,evil')));
  assert.ok(layout.ignored.some((i) => /notes\/?$/.test(i)));
});

test('the whole trail from any folder inside it; a bucket prefix is kept', async () => {
  const dir = tree([log('111122223333', 'us-east-1', '2024/03/05', 'p/q/'), log('111122223333', 'us-east-1', '2024/02/29', 'p/q/')]);
  const store = new LocalStore(dir);
  Object.defineProperty(store, 'rootPrefix', { value: `p/q/AWSLogs/${ORG}/111122223333/` });
  const layout = await discoverTrailLayout(store);
  assert.equal(layout.prefix, 'p/q/');
  assert.equal(layout.firstDay, '2024/02/29');
  assert.deepEqual(layout.accounts, ['111122223333']);
});

test('an account trail without an organization', async () => {
  const dir = tree(['AWSLogs/111122223333/CloudTrail/us-west-2/2025/07/14/f.json.gz']);
  const layout = await discoverTrailLayout(new LocalStore(dir));
  assert.equal(layout.orgId, undefined);
  assert.deepEqual([layout.accounts, layout.regions, layout.firstDay], [['111122223333'], ['us-west-2'], '2025/07/14']);
});

test('two layouts in one folder are refused, unless the source names one of them', async () => {
  const dir = tree([log('111122223333', 'us-east-1', '2024/03/05', ''), 'AWSLogs/444455556666/CloudTrail/us-east-1/2022/01/01/f.json.gz']);
  await assert.rejects(discoverTrailLayout(new LocalStore(dir)), (e: unknown) => e instanceof ConfigError && /more than one trail layout \(o-aa11bb22cc, 1 account folder/.test(e.message));
  const store = new LocalStore(dir);
  Object.defineProperty(store, 'rootPrefix', { value: `AWSLogs/${ORG}/` });
  const layout = await discoverTrailLayout(store);
  assert.deepEqual([layout.orgId, layout.accounts, layout.firstDay], [ORG, ['111122223333'], '2024/03/05']);
});

test('a folder with no trail in it gives an empty layout, not an error', async () => {
  const layout = await discoverTrailLayout(new LocalStore(tree(['other/file.txt'])));
  assert.deepEqual([layout.accounts, layout.regions, layout.firstDay], [[], [], undefined]);
});
