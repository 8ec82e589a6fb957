/**
 * Follows the frame and block structure of zstd input (RFC 8878) without decompressing it, to tell a
 * complete input from a cut one. Node's decoder (22.15) ends quietly at the cut, with what it decoded so far:
 * on its own a truncated log file would look whole. Walking the structure costs a few header reads per block.
 */
/** What a cut input is called, whether this walker or the decoder (Node 24: "unexpected end of file") finds it. */
export const CUT = 'it ends inside a frame';

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

type State = 'magic' | 'frame-header' | 'frame-header-rest' | 'block-header' | 'skippable-size';

export class ZstdFrameWalker {
  private state: State = 'magic';
  /** Bytes of the header being read, and how many it needs. */
  private header: number[] = [];
  private need = 4;
  /** Bytes of a block body, checksum or skippable frame still to pass over. */
  private skip = 0;
  private checksum = false;
  private frames = 0;
  private problem: string | undefined;

  /** Feeds the next input chunk; returns a description of the first structural fault, if any. */
  feed(chunk: Uint8Array): string | undefined {
    let i = 0;
    while (i < chunk.length && !this.problem) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      this.header.push(chunk[i++]!);
      if (this.header.length === this.need) this.step();
    }
    return this.problem;
  }

  /** After the last chunk: undefined if every frame was complete, else what is missing. */
  end(): string | undefined {
    if (this.problem) return this.problem;
    if (this.frames === 0) return 'no zstd frame';
    if (this.state !== 'magic' || this.header.length > 0 || this.skip > 0) return CUT;
    return undefined;
  }

  private step(): void {
    const h = this.header;
    this.header = [];
    switch (this.state) {
      case 'magic': {
        const magic = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
        if (magic === ZSTD_MAGIC) return this.expect('frame-header', 1);
        if (((magic & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) return this.expect('skippable-size', 4);
        this.problem = 'bytes after the last frame are not a frame';
        return;
      }
      case 'frame-header': {
        const fhd = h[0]!;
        if (fhd & 0x08) {
          this.problem = 'reserved bit set in a frame header';
          return;
        }
        const singleSegment = (fhd & 0x20) !== 0;
        const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6]!;
        const dictSize = [0, 1, 2, 4][fhd & 0x03]!;
        this.checksum = (fhd & 0x04) !== 0;
        this.frames++;
        const rest = (singleSegment ? 0 : 1) + dictSize + fcsSize;
        if (rest > 0) return this.expect('frame-header-rest', rest);
        return this.expect('block-header', 3);
      }
      case 'frame-header-rest':
        return this.expect('block-header', 3);
      case 'block-header': {
        const bits = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        const last = (bits & 1) === 1;
        const type = (bits >> 1) & 3;
        const size = bits >>> 3;
        if (type === 3) {
          this.problem = 'reserved block type';
          return;
        }
        // An RLE block stores one byte, repeated `size` times when decoded.
        this.skip = type === 1 ? 1 : size;
        if (!last) return this.expect('block-header', 3);
        this.skip += this.checksum ? 4 : 0;
        return this.expect('magic', 4);
      }
      case 'skippable-size':
        this.skip = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
        return this.expect('magic', 4);
    }
  }

  private expect(state: State, need: number): void {
    this.state = state;
    this.need = need;
  }
}
