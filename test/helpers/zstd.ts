import { zstdCompressSync } from 'node:zlib';

/** Real zstd compression (Node's own libzstd) for building test inputs. */
export function zstdCompress(data: Buffer): Promise<Buffer> {
  return Promise.resolve(zstdCompressSync(data));
}
