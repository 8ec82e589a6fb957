import type { Command } from 'commander';
import { compileFilters } from '../filter/flags.js';
import type { MatcherRecipe } from '../filter/recipe.js';
import { issuingPart } from '../forensics/issuing.js';
import type { CloudTrailEvent, SourcedEvent } from '../cloudtrail/event.js';
import type { ScanScope, Source } from '../source/types.js';
import type { ScanHit } from '../pipeline/scan.js';
import type { Pushdown } from '../source/query-hints.js';
import { ISSUING_PUSHDOWN } from '../forensics/pushdown.js';
import type { EvidenceReader } from '../forensics/evidence.js';
import { PlaceEvidenceReader } from './evidence-reader.js';
import type { CliIO } from './io.js';
import { addAwsOptions, addFilterOptions, addRunOptions, addWindowOptions, collectEach, outputOption, type RawScanOptions } from './options.js';
import { ScanPlan } from './scan-plan.js';
import { addEngineOptions } from './engine-options.js';
import { parseDuration } from './time.js';
import { collectGarbage } from '../workers/gc.js';

/** Options shared by find-deletion and trace, on top of every source, window, scope and filter option of `events`. */
export interface RawForensicsOptions extends RawScanOptions {
  identitySource?: string[];
  lookBack?: string;
}

/** `formats`: the command's -o choices beyond table, ndjson and json; `table`: what its table form prints. */
export function addForensicsOptions(cmd: Command, table: string, formats: readonly string[] = []): Command {
  addEngineOptions(addFilterOptions(addWindowOptions(addRunOptions(addAwsOptions(cmd)))));
  return cmd
    .option('--identity-source <source>', "also read credential-issuing events (AssumeRole…) from this source: evidence kept outside the sources (another bucket, a management account's trail); repeatable", collectEach)
    .option('--look-back <duration>', 'how long before an action its issuing event may lie (e.g. 12h, 36h, 2d)', '36h')
    .addOption(outputOption(['table', 'ndjson', 'json', ...formats], 'ndjson', ` (table: ${table})`));
}

export function parseLookBack(text: string | undefined): number {
  return parseDuration(text ?? '36h', '--look-back', 30 * 86_400_000);
}

export interface ForensicsScan {
  plan: ScanPlan;
  /** The `events` flags as an exact test, applied to the actions found (never to issuing events). */
  accept: (e: CloudTrailEvent) => boolean;
  lookBackMs: number;
  /**
   * The scan for the command's own recipe (candidates and issuing events together). `pushdown` is what API
   * sources may ask their servers for; it must cover the whole recipe (issuing events included), which is
   * why the flags' own hints are not used here.
   */
  main(recipe: MatcherRecipe, pushdown?: Pushdown): AsyncIterable<SourcedEvent>;
  /** Another scan of the sources with its own recipe and scope (activity's first pass), narrowed likewise. */
  index(recipe: MatcherRecipe, scope: ScanScope): AsyncIterable<SourcedEvent>;
  /** The --identity-source scan, or undefined when none was given. */
  identity(): AsyncIterable<SourcedEvent> | undefined;
  /**
   * Reads, from the same sources, the folders an incomplete chain names (the scope flags choose the
   * actions, never the evidence behind them); undefined when no source is laid out by account and region.
   */
  evidence: EvidenceReader | undefined;
}

/**
 * One pass over the sources for the candidates and the issuing events together; issuing events may be
 * older than --start by the look-back, so the listing window is widened and the flags are applied to the
 * candidates only. Issuing events outside the scoped folders are read afterwards, by place, as the
 * incomplete chains name them (`evidence`). Duplicate deliveries are handled by the engines, which know
 * real logs reuse eventIDs.
 */
export function forensicsScan(io: CliIO, sourceArgs: string[], raw: RawForensicsOptions, narrow?: Narrow): ForensicsScan {
  const lookBackMs = parseLookBack(raw.lookBack);
  const plan = new ScanPlan(io, raw, sourceArgs);
  const identitySources = raw.identitySource?.length ? plan.resolveExtra(raw.identitySource) : undefined;
  const flags = compileFilters(plan.spec);
  // The flags apply to the candidates only, never to issuing events: their hints cannot be pushed down.
  const { hints: _flagHints, ...flagFree } = plan.scope;
  const widened: ScanScope = { ...flagFree };
  if (widened.start) widened.start = new Date(widened.start.getTime() - lookBackMs);
  const timeOnly: ScanScope = {};
  if (widened.start) timeOnly.start = widened.start;
  if (widened.end) timeOnly.end = widened.end;
  return {
    plan,
    accept: (e) => flags.matches(e),
    lookBackMs,
    evidence: PlaceEvidenceReader.over(plan, widened),
    main: (recipe, pushdown) => collectedAround(narrowed(narrow, recipe, widened, (sources) => plan.scan({ recipe, scope: pushdown ? { ...widened, hints: pushdown } : widened, dedup: false, ...sources }))),
    index: (recipe, scope) => collectedAround(narrowed(narrow, recipe, scope, (sources) => plan.scan({ recipe, scope, dedup: false, ...sources }))),
    identity: () =>
      identitySources
        ? sourcedFrom(
            plan.scan({ recipe: issuingPart.recipe(), sources: identitySources, scope: { ...timeOnly, hints: ISSUING_PUSHDOWN }, dedup: false, label: '--identity-source' }),
          )
        : undefined,
  };
}

/**
 * Finds, before a scan, the only inputs it needs to read (`--engine athena`: the objects an Athena pass found
 * candidates in); the scan then reads those instead of listing the sources.
 */
export type Narrow = (recipe: MatcherRecipe, scope: ScanScope) => Promise<Source[]>;

async function* narrowed(narrow: Narrow | undefined, recipe: MatcherRecipe, scope: ScanScope, scan: (sources: { sources?: Source[] }) => AsyncIterable<ScanHit>): AsyncIterable<SourcedEvent> {
  yield* sourcedFrom(scan(narrow ? { sources: await narrow(recipe, scope) } : {}));
}

/**
 * A pass between two full collections on this thread, made when its consumer starts it and once it has taken
 * the last event. A forensics pass parses every issuing event here and keeps only its index entry, and
 * building the closure from the index leaves garbage of its own; all of it, promoted by then, would otherwise
 * still fill the heap when the next pass starts its workers (activity on 1 GB: peak RSS 355 -> 312 MB). Each
 * collection costs tens of milliseconds.
 */
async function* collectedAround(events: AsyncIterable<SourcedEvent>): AsyncIterable<SourcedEvent> {
  collectGarbage();
  yield* events;
  collectGarbage();
}

async function* sourcedFrom(hits: AsyncIterable<{ event: CloudTrailEvent; source: string }>): AsyncIterable<SourcedEvent> {
  for await (const hit of hits) yield { event: hit.event, source: hit.source };
}
