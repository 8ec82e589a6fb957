import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface S3RequestLog {
  method: string;
  url: string;
}

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  /** Every request the server has seen since start (or since the last clearLog). */
  requests: S3RequestLog[];
  clearLog(): void;
  createBucket(name: string): Promise<void>;
  put(bucket: string, key: string, body: Buffer | string, metadata?: Record<string, string>): Promise<void>;
  /** Environment for a child `ctrail` process talking to this server. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export const dummyAwsEnv: NodeJS.ProcessEnv = {
  AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
  AWS_SECRET_ACCESS_KEY: 'local-test-secret',
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Starts a real S3-protocol server (s3rver) on 127.0.0.1 with an empty store. */
export async function startS3Server(): Promise<LocalS3> {
  const dir = mkdtempSync(join(tmpdir(), 'ctrail-s3-'));
  const script = fileURLToPath(new URL('./s3rver-child.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script, dir], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const requests: S3RequestLog[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { port?: number; log?: S3RequestLog };
      if (msg.port) resolve(msg.port);
      if (msg.log) requests.push(msg.log);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited early with ${code}`)));
    child.once('error', reject);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    requests,
    clearLog: () => {
      requests.length = 0;
    },
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    put: async (bucket, key, body, metadata) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }));
    },
    env: { ...dummyAwsEnv, AWS_ENDPOINT_URL_S3: endpoint },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
