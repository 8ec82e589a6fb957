import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ListEntry, ObjectBody, ObjectStore, StoredObject } from './object-store.js';

/** ListObjectsV2 with pagination and streamed GetObject bodies. Loaded lazily through LazyS3Store. */
export class S3Store implements ObjectStore {
  readonly label: string;
  readonly rootPrefix = '';
  readonly bucket: string;
  readonly client: S3Client;

  constructor(bucket: string, client: S3Client) {
    this.bucket = bucket;
    this.label = `s3://${bucket}`;
    this.client = client;
  }

  display(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async *list(prefix: string, opts: { delimiter?: string; signal?: AbortSignal } = {}): AsyncIterable<ListEntry> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: token,
          ...(opts.delimiter ? { Delimiter: opts.delimiter } : {}),
        }),
        { abortSignal: opts.signal },
      );
      // S3 returns objects and common prefixes as two sorted lists; merge them so callers see key order.
      const objects = (page.Contents ?? []).filter((o) => o.Key !== undefined);
      const prefixes = (page.CommonPrefixes ?? []).map((p) => p.Prefix).filter((p): p is string => p !== undefined);
      let i = 0;
      let j = 0;
      while (i < objects.length || j < prefixes.length) {
        const o = objects[i];
        const p = prefixes[j];
        if (o && (p === undefined || o.Key! < p)) {
          const entry: StoredObject = { key: o.Key!, size: o.Size ?? 0 };
          if (o.ETag) entry.etag = o.ETag;
          if (o.LastModified) entry.lastModified = o.LastModified;
          yield { object: entry };
          i++;
        } else {
          yield { commonPrefix: p! };
          j++;
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async get(key: string, signal?: AbortSignal): Promise<ObjectBody> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
    const body = out.Body as AsyncIterable<Uint8Array> | undefined;
    if (!body) throw new Error('empty response body');
    const result: ObjectBody = { body, metadata: out.Metadata ?? {} };
    if (out.ContentLength !== undefined) result.size = out.ContentLength;
    if (out.ETag) result.etag = out.ETag;
    return result;
  }
}

