import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startMoto } from './moto.js';
import { dummyAwsEnv } from './aws-env.js';

export { dummyAwsEnv };

export interface S3RequestLog {
  method: string;
  url: string;
}

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  /** Requests the server answered since start (or the last clearLog); call settle() before reading. */
  requests: S3RequestLog[];
  settle(): Promise<void>;
  clearLog(): Promise<void>;
  createBucket(name: string): Promise<void>;
  put(bucket: string, key: string, body: Buffer | string, metadata?: Record<string, string>): Promise<void>;
  /** Environment for a child `ctrail` process talking to this server (S3 only, via AWS_ENDPOINT_URL_S3). */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}


/**
 * A real S3-protocol server on 127.0.0.1 (moto_server), with its access log, so tests can assert which keys
 * were listed and fetched. (s3rver 3.7 was tried first: it loses common prefixes of keys more than one
 * level below a delimiter listing's prefix, which is exactly what trail-layout discovery relies on.)
 */
export async function startS3Server(): Promise<LocalS3> {
  const moto = await startMoto();
  const client = new S3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return {
    endpoint: moto.endpoint,
    client,
    requests: moto.requests,
    settle: () => moto.settle(),
    clearLog: async () => {
      await moto.settle();
      moto.requests.length = 0;
    },
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    put: async (bucket, key, body, metadata) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }));
    },
    env: { ...dummyAwsEnv, AWS_ENDPOINT_URL_S3: moto.endpoint },
    stop: async () => {
      client.destroy();
      await moto.stop();
    },
  };
}
