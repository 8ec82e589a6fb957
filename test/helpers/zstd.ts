import { createRequire } from 'node:module';

interface ZstdSimple {
  compress(data: Uint8Array, level?: number): Uint8Array;
}

/** Real zstd compression (zstd-codec) for building test inputs. */
export function zstdCompress(data: Buffer): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  const { ZstdCodec } = require('zstd-codec') as { ZstdCodec: { run(cb: (z: { Simple: new () => ZstdSimple }) => void): void } };
  return new Promise((resolve) => ZstdCodec.run((zstd) => resolve(Buffer.from(new zstd.Simple().compress(data, 3)))));
}
