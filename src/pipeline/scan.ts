import type { InputProblem } from '../errors.js';
import type { RecordMatcher } from '../records/matcher.js';
import { newStats, type RecordHit, type SearchStats } from '../records/search.js';
import { searchInput } from '../records/searcher.js';
import { asConfigErrorIfFatal, describeAwsError } from '../source/aws.js';
import type { InputUnit, ScanScope, Source } from '../source/types.js';
import { EventIdSet } from './event-ids.js';
import { orderedMerge } from './ordered.js';

/**
 * source → decode → split → pre-filter → parse → match, for many inputs at once, with results delivered in
 * input order. This file only wires stages; each stage knows its own inputs and outputs, and the search of
 * one input is the searcher's (records/searcher.ts).
 */
/** One scan with everything decided: what the pipeline runs. */
export interface ResolvedScan {
  sources: Source[];
  scope: ScanScope;
  matcher: RecordMatcher;
  /** Inputs in flight at once. */
  jobs: number;
  /** Drop repeated deliveries of the same eventID among matched events. */
  dedup: boolean;
  /** IDs per generation of the dedup memory (EventIdSet; tests make it small). */
  dedupGeneration?: number;
  /**
   * Where inputs may be searched instead of this thread (worker threads). It must search with a matcher
   * equal to `matcher`; the pipeline closes it when the scan ends.
   */
  offload?: UnitOffload;
}

/**
 * Searches a unit's raw bytes elsewhere, with the same results and errors as `searchInput` in-process.
 * The pipeline stays ignorant of how (src/workers implements it); it only sees hits and counts.
 */
export interface UnitOffload {
  /** False for inputs better searched in-process (unknown size, very large, API streams). */
  accepts(unit: InputUnit): boolean;
  /**
   * Like searchInput: yields hit batches in record order, counts into stats, throws what it would throw.
   * It may read `unit.localPath` itself instead of `input`; `read` counts the raw bytes it took.
   */
  search(unit: InputUnit, input: AsyncIterable<Uint8Array>, stats: SearchStats, read: (bytes: number) => void, signal?: AbortSignal): AsyncIterable<RecordHit[]>;
  close(): Promise<void>;
}

/** `event` may be parsed on first read (a getter): copy the fields you keep, never spread a hit. */
export interface ScanHit extends RecordHit {
  /** The file, object or API stream the event came from. */
  source: string;
  /** The eventID when known without touching `event` (hits from workers parse lazily); null: it has none. */
  eventIdHint?: string | null;
}

/** Live counters, read by the progress display; never used for decisions. */
export interface ScanProgress {
  unitsListed: number;
  unitsDone: number;
  /** Sum of known input sizes, and whether listing has finished (only then is an ETA meaningful). */
  bytesTotal: number;
  listingDone: boolean;
  bytesRead: number;
  records: number;
  matched: number;
  problems: number;
  /** Inputs searched on this thread (the others went to worker threads). */
  unitsHere: number;
  startedAt: number;
}

export interface ScanHooks {
  problem(p: InputProblem): void;
  /** Inputs passed over on purpose (digests, other products' folders), for --verbose. */
  skipped?(what: string, reason: string): void;
  progress?: ScanProgress;
  /** A source listed no input at all: `detail` says what was looked at, e.g. "listed 3 prefixes". */
  empty?(source: string, detail: string): void;
  /** Something the user should know that is no problem with an input (the exit code does not change). */
  notice?(message: string): void;
}

export function newProgress(): ScanProgress {
  return { unitsListed: 0, unitsDone: 0, bytesTotal: 0, listingDone: false, bytesRead: 0, records: 0, matched: 0, problems: 0, unitsHere: 0, startedAt: Date.now() };
}

export async function* scanEvents(scan: ResolvedScan, hooks: ScanHooks, signal?: AbortSignal): AsyncGenerator<ScanHit> {
  for await (const batch of scanEventBatches(scan, hooks, signal)) {
    // Each hit leaves the batch as it is handed on: a consumer that parses hits (forensics indexes every
    // issuing event) then lets each parsed event die young instead of keeping the whole batch's alive.
    for (let i = 0; i < batch.length; i++) {
      const hit = batch[i]!;
      (batch as Array<ScanHit | undefined>)[i] = undefined;
      yield hit;
    }
  }
}

/**
 * scanEvents in the batches inputs deliver them: one step of the consumer's loop per batch rather than per
 * event, which is most of the main thread's work when half of all events are printed.
 */
export async function* scanEventBatches(scan: ResolvedScan, hooks: ScanHooks, signal?: AbortSignal): AsyncGenerator<ScanHit[]> {
  const progress = hooks.progress ?? newProgress();
  const report = (p: InputProblem) => {
    progress.problems++;
    hooks.problem(p);
  };

  async function* producers(): AsyncIterable<() => AsyncIterable<ScanHit[]>> {
    for (const source of scan.sources) {
      const seen = { units: 0, problems: 0, skipped: 0 };
      try {
        for await (const item of source.units(scan.scope, signal)) {
          if ('unit' in item) {
            seen.units++;
            progress.unitsListed++;
            progress.bytesTotal += item.unit.size ?? 0;
            const unit = item.unit;
            yield () => scanUnit(unit, scan, progress, report, signal);
          } else if ('problem' in item) {
            seen.problems++;
            report(item.problem);
          } else {
            seen.skipped++;
            hooks.skipped?.(item.skipped, item.reason);
          }
        }
      } catch (err) {
        const fatal = asConfigErrorIfFatal(err, source.label);
        if (fatal) throw fatal;
        seen.problems++;
        report({ source: source.label, problem: `cannot list: ${describeAwsError(err)}` });
      }
      // A source that named a problem has said why it is short; one that listed nothing must say so too.
      if (seen.units === 0 && seen.problems === 0 && !signal?.aborted) hooks.empty?.(source.label, emptyDetail(source, seen.skipped, scan.scope));
    }
    progress.listingDone = true;
  }

  const seen = scan.dedup ? new EventIdSet(scan.dedupGeneration) : undefined;
  try {
    for await (const batch of orderedMerge(producers(), Math.max(1, scan.jobs), { highWater: 64, weigh: batchBytes, maxBuffered: MAX_BUFFERED_HIT_BYTES })) {
      const kept = seen ? batch.filter((hit) => firstDelivery(hit, seen)) : batch;
      progress.matched += kept.length;
      if (kept.length) yield kept;
    }
    if (seen?.forgotten) {
      const n = seen.forgotten.toLocaleString('en-US');
      hooks.notice?.(`deduplication memory exceeded: ${n} of the oldest eventIDs were forgotten, so a repeated delivery of one of them, if any came later, was printed again (README, "Reliability")`);
    }
  } finally {
    await scan.offload?.close();
  }
}

/**
 * Hits that wait for an earlier input to finish (output keeps input order) hold their bytes: past this much,
 * no further input is started until the consumer catches up, so a broad scan into a slow reader stays flat.
 */
const MAX_BUFFERED_HIT_BYTES = 32 * 1024 * 1024;

function batchBytes(hits: ScanHit[]): number {
  let bytes = 0;
  // A hit without its raw text is an event object of about a kilobyte.
  for (const h of hits) bytes += h.raw?.length ?? 1024;
  return bytes;
}

/** False for a repeated delivery of an eventID already seen (records without one are always kept). */
function firstDelivery(hit: ScanHit, seen: EventIdSet): boolean {
  const id = hit.eventIdHint !== undefined ? hit.eventIdHint : hit.event.eventID;
  return typeof id !== 'string' || seen.add(id);
}

async function* scanUnit(
  unit: InputUnit,
  scan: ResolvedScan,
  progress: ScanProgress,
  report: (p: InputProblem) => void,
  signal?: AbortSignal,
): AsyncIterable<ScanHit[]> {
  const stats = newStats();
  let recordsSeen = 0;
  try {
    const counted = (async function* () {
      for await (const chunk of unit.open(signal)) {
        progress.bytesRead += chunk.byteLength;
        yield chunk;
      }
    })();
    const offload = scan.offload?.accepts(unit) ? scan.offload : undefined;
    if (!offload) progress.unitsHere++;
    const batches = offload
      ? offload.search(unit, counted, stats, (n) => (progress.bytesRead += n), signal)
      : searchInput(counted, scan.matcher, stats);
    for await (const hits of batches) {
      progress.records += stats.records - recordsSeen;
      recordsSeen = stats.records;
      // Set in place: a spread would read every property, and hits from workers parse `event` on first read.
      for (const h of hits) (h as ScanHit).source = unit.name;
      yield hits as ScanHit[];
    }
    progress.records += stats.records - recordsSeen;
  } catch (err) {
    if (signal?.aborted) return;
    const fatal = asConfigErrorIfFatal(err, unit.name);
    if (fatal) throw fatal;
    report({ source: unit.name, problem: describeInputError(err, stats.records) });
  } finally {
    progress.unitsDone++;
  }
  for (const [reason, count] of stats.bad) {
    report({ source: unit.name, problem: count === 1 ? `1 record skipped: ${reason}` : `${count} records skipped: ${reason}` });
  }
}

/** What an empty source looked at and what narrowed it, for the line that names it. */
export function emptyDetail(source: Source, skipped: number, scope: ScanScope): string {
  const parts: string[] = [];
  const listed = source.listingSummary?.();
  if (listed) parts.push(listed);
  if (skipped) parts.push(`${skipped} skipped as not logs (--verbose names them)`);
  const narrowed = [scope.start || scope.end ? 'time window' : '', scope.regions?.length ? 'regions' : '', scope.accounts?.length ? 'accounts' : '']
    .filter(Boolean);
  if (narrowed.length) parts.push(`within the ${narrowed.join(', ')} asked`);
  return parts.join('; ');
}

function describeInputError(err: unknown, recordsBefore: number): string {
  const code = (err as { code?: unknown }).code;
  let text: string;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || /unexpected end of file/.test(String((err as Error).message))) {
    text = `corrupt or truncated gzip data (${(err as Error).message})`;
  } else if (code === 'ENOENT') text = 'no such file';
  else if (code === 'EACCES') text = 'permission denied';
  else if (code === 'EISDIR') text = 'is a folder';
  else text = describeAwsError(err);
  return recordsBefore > 0 ? `${text}; the ${recordsBefore} records before it were read` : text;
}
