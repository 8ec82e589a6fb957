import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';

/**
 * The ceiling: read and gunzip every file, nothing else, on one thread per core. Prints the uncompressed
 * byte count. Usage: node gunzip.js <file-list.txt> [threads]
 */
if (isMainThread) {
  const files = readFileSync(process.argv[2]!, 'utf8').split('\n').filter(Boolean);
  const threads = Number(process.argv[3] ?? availableParallelism());
  let total = 0;
  let done = 0;
  for (let t = 0; t < threads; t++) {
    const mine = files.filter((_, i) => i % threads === t);
    const w = new Worker(new URL(import.meta.url), { workerData: mine });
    w.on('message', (n: number) => {
      total += n;
      if (++done === threads) console.log(total);
    });
  }
} else {
  let n = 0;
  for (const f of workerData as string[]) {
    const gz = readFileSync(f);
    // Output sized from the gzip trailer: the fastest way Node has to inflate a whole file.
    n += gunzipSync(gz, { chunkSize: Math.max(64 * 1024, gz.readUInt32LE(gz.length - 4) + 1) }).length;
  }
  parentPort!.postMessage(n);
}
