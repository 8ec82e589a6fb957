import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';

/**
 * The ceiling: read and gunzip every file, nothing else, on one thread per core. Prints the uncompressed
 * byte count. With --sha256 it also hashes each file's uncompressed bytes (what validating a log file costs at
 * least) and prints "<bytes> <files hashed>". Usage: node gunzip.js <file-list.txt> [threads] [--sha256]
 */
if (isMainThread) {
  const args = process.argv.slice(2);
  const hash = args.includes('--sha256');
  const [listPath, threadText] = args.filter((a) => a !== '--sha256');
  const files = readFileSync(listPath!, 'utf8').split('\n').filter(Boolean);
  const threads = Number(threadText ?? availableParallelism());
  let total = 0;
  let hashed = 0;
  let done = 0;
  for (let t = 0; t < threads; t++) {
    const mine = files.filter((_, i) => i % threads === t);
    const w = new Worker(new URL(import.meta.url), { workerData: { files: mine, hash } });
    w.on('message', (r: { bytes: number; hashed: number }) => {
      total += r.bytes;
      hashed += r.hashed;
      if (++done === threads) console.log(hash ? `${total} ${hashed}` : String(total));
    });
  }
} else {
  const { files, hash } = workerData as { files: string[]; hash: boolean };
  let bytes = 0;
  let hashed = 0;
  for (const f of files) {
    const gz = readFileSync(f);
    // Output sized from the gzip trailer: the fastest way Node has to inflate a whole file.
    const raw = gunzipSync(gz, { chunkSize: Math.max(64 * 1024, gz.readUInt32LE(gz.length - 4) + 1) });
    bytes += raw.length;
    if (hash && createHash('sha256').update(raw).digest('hex').length === 64) hashed++;
  }
  parentPort!.postMessage({ bytes, hashed });
}
