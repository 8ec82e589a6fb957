import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startS3Server } from '../helpers/s3server.js';
import { startMoto } from '../helpers/moto.js';

test('local S3 server stores objects and logs requests', async () => {
  const s3 = await startS3Server();
  try {
    await s3.createBucket('ctrail-test');
    await s3.put('ctrail-test', 'a/x.json', '{}');
    const out = await s3.client.send(new ListObjectsV2Command({ Bucket: 'ctrail-test' }));
    assert.deepEqual(out.Contents?.map((o) => o.Key), ['a/x.json']);
    await s3.settle();
    assert.ok(s3.requests.some((r) => r.method === 'PUT' && r.url.includes('a/x.json')));
  } finally {
    await s3.stop();
  }
});

test('moto_server starts and answers on loopback', async () => {
  const moto = await startMoto();
  try {
    const res = await fetch(`${moto.endpoint}/moto-api/`);
    assert.equal(res.status, 200);
  } finally {
    await moto.stop();
  }
});

test('JSON 1.1 stand-in answers the real CloudTrail client and returns modelled errors', async () => {
  const { CloudTrailClient, ListPublicKeysCommand, LookupEventsCommand, InvalidLookupAttributesException } = await import(
    '@aws-sdk/client-cloudtrail'
  );
  const { startJsonApiStandin, JsonApiError } = await import('../helpers/json-api-standin.js');
  const standin = await startJsonApiStandin({
    ListPublicKeys: () => ({ PublicKeyList: [{ Fingerprint: 'ab', Value: Buffer.from('key').toString('base64') }] }),
    LookupEvents: () => {
      throw new JsonApiError('InvalidLookupAttributesException', 'only one attribute');
    },
  });
  const client = new CloudTrailClient({
    endpoint: standin.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
  });
  try {
    const keys = await client.send(new ListPublicKeysCommand({}));
    assert.equal(Buffer.from(keys.PublicKeyList![0]!.Value!).toString(), 'key');
    await assert.rejects(client.send(new LookupEventsCommand({})), InvalidLookupAttributesException);
    assert.deepEqual(standin.calls.map((c) => [c.operation, c.region]), [
      ['ListPublicKeys', 'eu-west-1'],
      ['LookupEvents', 'eu-west-1'],
    ]);
  } finally {
    client.destroy();
    await standin.stop();
  }
});
