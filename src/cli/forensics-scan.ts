import { Option, type Command } from 'commander';
import { compileFilters } from '../filter/flags.js';
import type { RecordMatcher } from '../records/matcher.js';
import type { MatcherRecipe } from '../filter/recipe.js';
import { issuingMatcher } from '../forensics/find-deletion.js';
import type { CloudTrailEvent, SourcedEvent } from '../cloudtrail/event.js';
import type { ScanScope } from '../source/types.js';
import type { Pushdown } from '../source/query-hints.js';
import { ISSUING_PUSHDOWN } from '../forensics/pushdown.js';
import { EXIT } from './exit.js';
import { OutputWriter } from '../output/writer.js';
import type { CliIO } from './io.js';
import { addAwsOptions, addFilterOptions, addRunOptions, addWindowOptions, type RawScanOptions } from './options.js';
import { ScanSession } from './scan-session.js';
import { parseDuration } from './time.js';

/** Options shared by find-deletion and trace, on top of every source, window, scope and filter option of `events`. */
export interface RawForensicsOptions extends RawScanOptions {
  identitySource?: string[];
  lookBack?: string;
}

export const FORENSICS_EXIT = {
  FOUND: 0,
  NONE: 1,
  USAGE: EXIT.USAGE,
  /** Results printed, but some inputs could not be read. */
  PARTIAL: 3,
} as const;

const collectRaw = (value: string, previous: string[] = []) => previous.concat(value);

export function addForensicsOptions(cmd: Command): Command {
  addFilterOptions(addWindowOptions(addRunOptions(addAwsOptions(cmd))));
  return cmd
    .option('--identity-source <source>', 'also read credential-issuing events (AssumeRole…, sign-ins) from this source, e.g. the us-east-1 or management-account trail; repeatable', collectRaw)
    .option('--look-back <duration>', 'how long before an action its issuing event may lie (e.g. 12h, 36h, 2d)', '36h')
    .addOption(new Option('-o, --output <format>', 'table (answer, table, chains) on a terminal, ndjson otherwise; or json').choices(['table', 'ndjson', 'json']));
}

export function parseLookBack(text: string | undefined): number {
  return parseDuration(text ?? '36h', '--look-back', 30 * 86_400_000);
}

export interface ForensicsScan {
  session: ScanSession;
  /** The `events` flags as an exact test, applied to the actions found (never to issuing events). */
  accept: (e: CloudTrailEvent) => boolean;
  lookBackMs: number;
  /**
   * `pushdown` is what API sources may ask their servers for; it must cover the whole matcher (issuing
   * events included), which is why the flags' own hints are not used here.
   */
  /** With a recipe describing the same matcher as data, the scan can run in worker threads. */
  main(matcher: RecordMatcher, pushdown?: Pushdown, recipe?: MatcherRecipe): AsyncIterable<SourcedEvent>;
  /** The --identity-source scan, or undefined when none was given. */
  identity(): AsyncIterable<SourcedEvent> | undefined;
}

/**
 * One pass over the sources for the candidates and the issuing events together; issuing events may be
 * older than --start by the look-back, so the listing window is widened and the flags are applied to the
 * candidates only. Duplicate deliveries are handled by the engines, which know real logs reuse eventIDs.
 */
export function forensicsScan(io: CliIO, sourceArgs: string[], raw: RawForensicsOptions): ForensicsScan {
  const lookBackMs = parseLookBack(raw.lookBack);
  const session = new ScanSession(io, raw, sourceArgs);
  const identitySources = raw.identitySource?.length ? session.resolveExtra(raw.identitySource) : undefined;
  const flags = compileFilters(session.spec);
  // The flags apply to the candidates only, never to issuing events: their hints cannot be pushed down.
  const { hints: _flagHints, ...flagFree } = session.scope;
  const widened: ScanScope = { ...flagFree };
  if (widened.start) widened.start = new Date(widened.start.getTime() - lookBackMs);
  const timeOnly: ScanScope = {};
  if (widened.start) timeOnly.start = widened.start;
  if (widened.end) timeOnly.end = widened.end;
  return {
    session,
    accept: (e) => flags.matches(e),
    lookBackMs,
    main: (matcher, pushdown, recipe) =>
      sourcedFrom(
        session.scan({ extra: matcher, ...(recipe ? { extraRecipe: recipe } : {}), useFlags: false, scope: pushdown ? { ...widened, hints: pushdown } : widened, dedup: false }),
      ),
    identity: () =>
      identitySources
        ? sourcedFrom(session.scan({ extra: issuingMatcher, useFlags: false, sources: identitySources, scope: { ...timeOnly, hints: ISSUING_PUSHDOWN }, dedup: false }))
        : undefined,
  };
}

async function* sourcedFrom(hits: AsyncIterable<{ event: CloudTrailEvent; source: string }>): AsyncIterable<SourcedEvent> {
  for await (const hit of hits) yield { event: hit.event, source: hit.source };
}

/** Writes text and waits until stdout has taken it (a closed pipe is not an error). */
/** Writes a report; a reader that goes away (`| head`) ends the writing quietly, as with `events`. */
export async function writeOut(io: CliIO, text: string): Promise<void> {
  const writer = new OutputWriter(io.stdout);
  writer.write(text);
  await writer.end();
}

export function exitCode(found: boolean, session: ScanSession): number {
  const skipped = session.finish();
  if (skipped) return FORENSICS_EXIT.PARTIAL;
  return found ? FORENSICS_EXIT.FOUND : FORENSICS_EXIT.NONE;
}
