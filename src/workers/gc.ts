import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A garbage collection on the calling thread, now. V8 sizes its heap by how much survives, not by what a
 * scan is about to do: a search worker sheds the decoded buffers of the inputs it dismissed, and the main
 * thread, between two passes of a forensics command, the events it parsed and indexed in the first (they
 * lived long enough to be promoted, and V8 would otherwise carry them into the second pass's peak).
 */
type Gc = (options?: { type: 'minor' }) => void;
let gc: Gc | undefined;

export function collectGarbage(kind: 'full' | 'minor' = 'full'): void {
  if (!gc) {
    // The flag only takes effect for contexts made after it is set, hence the fresh context.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  }
  if (kind === 'minor') gc({ type: 'minor' });
  else gc();
}
