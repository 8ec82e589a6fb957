import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { parseDigest } from './digest.js';
import { listDigestFolder, type Window } from './digest-source.js';
import { publicKeysToJson } from './keys.js';
import { dayFolders, logFolder, parseLogKey } from '../cloudtrail/layout.js';
import { Limiter } from './limit.js';
import { KEYS_DIR, MANIFEST_FILE, type MirrorManifest } from './manifest.js';
import type { KeySource } from './public-keys.js';
import { discoverScopes } from './validate.js';
import { SIDECAR_SUFFIX, type Sidecar, type TrailView } from './view.js';
import { isoTime } from '../cloudtrail/time.js';

export interface MirrorRequest {
  view: TrailView;
  prefix: string;
  dir: string;
  window: Window;
  accounts: string[];
  regions: string[];
  jobs: number;
  metadataOnly: boolean;
  keys: KeySource;
  onProgress?: (text: string) => void;
}

export interface MirrorResult {
  manifest: MirrorManifest;
  copied: number;
  skipped: number;
}

const HOUR = 3_600_000;

/**
 * Copies what `ctrail validate` reads for the window, byte for byte: digests (with their S3 metadata in a
 * sidecar), the log files they name and every log file in the window's folders (for the unreferenced check),
 * plus the public keys and a manifest. With metadataOnly, objects already present are kept as they are.
 */
export async function mirrorTrail(req: MirrorRequest): Promise<MirrorResult> {
  const { view, window } = req;
  const limiter = new Limiter(req.jobs);
  let scopes = await discoverScopes(view, req.prefix);
  if (req.accounts.length) scopes = scopes.filter((s) => req.accounts.includes(s.account));
  if (req.regions.length) scopes = scopes.filter((s) => req.regions.includes(s.region));

  const objects: MirrorManifest['objects'] = [];
  let copied = 0;
  let skipped = 0;
  const wanted = new Set<string>();
  const digestKeys: string[] = [];
  const regions = new Set<string>();
  for (const scope of scopes) {
    regions.add(scope.region);
    for (const k of await listDigestFolder(view, scope, window)) digestKeys.push(k.key);
    for (const day of dayFolders(window.start, new Date(window.end.getTime() + HOUR))) {
      for await (const o of view.list(logFolder(scope) + day)) if (parseLogKey(o.key)) wanted.add(o.key);
    }
  }

  const localPath = (key: string) => join(req.dir, ...view.storeKey(key)!.slice(req.prefix.length - view.keyRoot.length).split('/'));
  const exists = async (path: string) => (await stat(path).catch(() => undefined))?.isFile() ?? false;

  const copy = async (key: string, isDigest: boolean): Promise<void> => {
    const path = localPath(key);
    await mkdir(dirname(path), { recursive: true });
    const keep = req.metadataOnly && (await exists(path));
    if (keep && !isDigest) {
      objects.push({ key, size: (await stat(path)).size, sha256: await hashFile(path) });
      skipped++;
      return;
    }
    const obj = await view.get(key);
    const hash = createHash('sha256');
    let size = 0;
    if (keep) {
      for await (const _ of obj.body) void _;
      skipped++;
    } else {
      const counted = async function* (src: AsyncIterable<Uint8Array>) {
        for await (const c of src) {
          hash.update(c);
          size += c.length;
          yield c;
        }
      };
      await pipeline(Readable.from(counted(obj.body)), createWriteStream(path));
      copied++;
    }
    const sha256 = keep ? await hashFile(path) : hash.digest('hex');
    if (keep) size = (await stat(path)).size;
    const entry: MirrorManifest['objects'][number] = { key, size, sha256, ...(obj.etag ? { etag: obj.etag } : {}) };
    if (isDigest) {
      const sidecar: Sidecar = { format: 'ctrail-s3-metadata/1', bucket: view.bucket, key, ...(obj.etag ? { etag: obj.etag } : {}), metadata: obj.metadata };
      await writeFile(path + SIDECAR_SUFFIX, `${JSON.stringify(sidecar, null, 2)}\n`);
      entry.sidecar = view.storeKey(key)!.slice(req.prefix.length - view.keyRoot.length) + SIDECAR_SUFFIX;
    }
    objects.push(entry);
  };

  let done = 0;
  const total = () => digestKeys.length + wanted.size;
  await Promise.all(
    digestKeys.map((key) =>
      limiter.run(async () => {
        await copy(key, true);
        // Log files a digest names are mirrored even when they sit outside the window's folders.
        try {
          const d = parseDigest(gunzipSync(await readLocal(localPath(key))));
          for (const f of d.logFiles) if (f.s3Bucket === view.bucket && view.storeKey(f.s3Object) !== undefined) wanted.add(f.s3Object);
        } catch {
          // a damaged digest is mirrored as is; validate reports it
        }
        req.onProgress?.(`mirrored ${++done} objects`);
      }),
    ),
  );
  await Promise.all(
    [...wanted].map((key) =>
      limiter.run(async () => {
        try {
          await copy(key, false);
        } catch {
          // a log file a digest names but the bucket lacks stays missing in the mirror too
        }
        req.onProgress?.(`mirrored ${++done}/${total()} objects`);
      }),
    ),
  );

  const publicKeys: Record<string, string> = {};
  await mkdir(join(req.dir, KEYS_DIR), { recursive: true });
  for (const region of [...regions].sort()) await req.keys.keys(region);
  for (const [region, entries] of req.keys.fetched()) {
    const name = `${region === '*' ? 'keys' : region}.json`;
    await writeFile(join(req.dir, KEYS_DIR, name), publicKeysToJson(entries));
    publicKeys[region] = `${KEYS_DIR}/${name}`;
  }
  objects.sort((a, b) => (a.key < b.key ? -1 : 1));
  const manifest: MirrorManifest = {
    format: 'ctrail-mirror/1',
    source: view.uri(req.prefix),
    bucket: view.bucket,
    keyRoot: req.prefix,
    createdAt: isoTime(new Date()),
    metadataOnly: req.metadataOnly,
    window: { start: isoTime(window.start), end: isoTime(window.end) },
    accounts: req.accounts,
    regions: req.regions,
    publicKeys,
    objects,
  };
  await writeFile(join(req.dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, copied, skipped };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const c of createReadStream(path)) hash.update(c as Buffer);
  return hash.digest('hex');
}

async function readLocal(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of createReadStream(path)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
