import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { applyTable, glueClient, TableConflictError, tableSpecFromLayout } from './setup.js';
import { CLOUDTRAIL_COLUMNS } from './table.js';
import type { TrailLayout } from '../source/trail-layout.js';
import { ConfigError } from '../errors.js';
import { startMoto, type MotoServer } from '../../test/helpers/moto.js';
import { dummyAwsEnv } from '../../test/helpers/aws-env.js';

let moto: MotoServer;
let glue: GlueClient;

before(async () => {
  moto = await startMoto();
  Object.assign(process.env, dummyAwsEnv, { AWS_ENDPOINT_URL: moto.endpoint });
  glue = glueClient({ region: 'us-east-1' });
});
after(async () => {
  glue?.destroy();
  await moto?.stop();
});

const ORG = 'o-aa11bb22cc';
const layout: TrailLayout = { prefix: 'org/', orgId: ORG, accounts: ['111122223333'], regions: ['us-east-1'], firstDay: '2024/01/01', ignored: [] };
const names = { database: 'ctrail', table: 'cloudtrail' };

async function table(name = 'cloudtrail') {
  return (await glue.send(new GetTableCommand({ DatabaseName: 'ctrail', Name: name }))).Table!;
}

test('the spec points at the organization folder, and an empty layout builds nothing', () => {
  const spec = tableSpecFromLayout(layout, 'trail-bucket', names, 's3://trail-bucket/org');
  assert.equal(spec.location, `s3://trail-bucket/org/AWSLogs/${ORG}/`);
  assert.equal(spec.locationTemplate, `s3://trail-bucket/org/AWSLogs/${ORG}/\${account}/CloudTrail/\${region}/\${day}`);
  assert.throws(() => tableSpecFromLayout({ ...layout, accounts: [], regions: [], firstDay: undefined } as TrailLayout, 'b', names, 's3://b'), ConfigError);
});

test('created once, unchanged on a re-run, updated in words when the layout grows', async () => {
  const spec = tableSpecFromLayout(layout, 'trail-bucket', names, 's3://trail-bucket/org');
  assert.deepEqual(await applyTable(glue, spec, { replace: false }), { kind: 'created', databaseCreated: true });
  const t = await table();
  assert.equal(t.StorageDescriptor?.Location, `s3://trail-bucket/org/AWSLogs/${ORG}/`);
  assert.equal(t.StorageDescriptor?.Columns?.length, CLOUDTRAIL_COLUMNS.length);
  assert.deepEqual(t.PartitionKeys?.map((k) => k.Name), ['account', 'region', 'day']);
  assert.equal(t.Parameters?.['projection.account.values'], '111122223333');
  assert.equal(t.Parameters?.['projection.day.range'], '2024/01/01,NOW');

  assert.deepEqual(await applyTable(glue, spec, { replace: false }), { kind: 'unchanged' });

  const grown = tableSpecFromLayout(
    { ...layout, accounts: ['111122223333', '444455556666'], regions: ['eu-west-1', 'us-east-1'], firstDay: '2023/12/30' },
    'trail-bucket',
    names,
    's3://trail-bucket/org',
  );
  assert.deepEqual(await applyTable(glue, grown, { replace: false }), {
    kind: 'updated',
    changes: ['accounts +444455556666', 'regions +eu-west-1', 'first day 2023/12/30 (was 2024/01/01)'],
  });
  assert.equal((await table()).Parameters?.['projection.account.values'], '111122223333,444455556666');
  assert.deepEqual(await applyTable(glue, grown, { replace: false }), { kind: 'unchanged' });
});

test('a table reading another place, or not made by ctrail, is refused unless --replace', async () => {
  const here = tableSpecFromLayout(layout, 'trail-bucket', { database: 'ctrail', table: 'moved' }, 's3://trail-bucket/org');
  await applyTable(glue, here, { replace: false });
  const elsewhere = tableSpecFromLayout(layout, 'other-bucket', { database: 'ctrail', table: 'moved' }, 's3://other-bucket');
  await assert.rejects(applyTable(glue, elsewhere, { replace: false }), (e: unknown) => e instanceof TableConflictError && /reads s3:\/\/trail-bucket\/org\/AWSLogs\/o-aa11bb22cc\/, not s3:\/\/other-bucket\//.test(e.message));
  assert.equal((await table('moved')).StorageDescriptor?.Location, `s3://trail-bucket/org/AWSLogs/${ORG}/`, 'nothing changed');
  assert.deepEqual(await applyTable(glue, elsewhere, { replace: true }), { kind: 'replaced', was: `s3://trail-bucket/org/AWSLogs/${ORG}/` });
  assert.equal((await table('moved')).StorageDescriptor?.Location, `s3://other-bucket/org/AWSLogs/${ORG}/`);

  await glue.send(new CreateTableCommand({ DatabaseName: 'ctrail', TableInput: { Name: 'hand_made', StorageDescriptor: { Location: `s3://trail-bucket/org/AWSLogs/${ORG}/` } } }));
  const mine = tableSpecFromLayout(layout, 'trail-bucket', { database: 'ctrail', table: 'hand_made' }, 's3://trail-bucket/org');
  await assert.rejects(applyTable(glue, mine, { replace: false }), (e: unknown) => e instanceof TableConflictError && /exists and was not made by ctrail/.test(e.message));
});
