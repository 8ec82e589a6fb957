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
