import { UsageError } from '../errors.js';
import { collectActivity } from '../forensics/activity/collect.js';
import { activityIndexPart } from '../forensics/activity/matchers.js';
import { parseActivityTarget } from '../forensics/activity/target.js';
import { compileRecipe, type MatcherRecipe } from '../filter/recipe.js';
import { activityTimeline, renderActivityReport } from '../output/activity.js';
import type { SourcedEvent } from '../cloudtrail/event.js';
import type { ScanHit } from '../pipeline/scan.js';
import { StdinSource } from '../source/local.js';
import type { ScanScope } from '../source/types.js';
import type { Register } from './register.js';
import type { CliIO } from './io.js';
import type { ExitCode } from './exit.js';
import { outputFormatFrom, SOURCES_HELP } from './options.js';
import { finishReport } from './report.js';
import { forensicNarrowFor } from './athena-engine.js';
import type { RawEngineOptions } from './engine-options.js';
import { addForensicsOptions, forensicsScan, type RawForensicsOptions } from './forensics-scan.js';

interface RawActivityOptions extends RawForensicsOptions, RawEngineOptions {
  summary?: boolean;
  followPersistence?: boolean;
}

export const register: Register = (cmd, io, done) => {
  addForensicsOptions(
    cmd
      .argument('<who>', 'access key id (AKIA…/ASIA…), IAM user or role ARN, session ARN (assumed-role/…, federated-user/…), or a SAML/web-identity subject or Identity Center user name')
      .argument('[source...]', SOURCES_HELP)
      .option('--summary', 'print the summary alone, without the timeline')
      .option('--follow-persistence', 'follow access keys (CreateAccessKey) and users (CreateUser) created by the set into their own use', true)
      .option('--no-follow-persistence', 'report persistence, but do not follow the new keys and users'),
    'the summary, then the timeline',
    ['timesketch'],
  ).action(async (who: string, sources: string[], raw: RawActivityOptions) => done(await runActivity(io, who, sources, raw)));
};

export async function runActivity(io: CliIO, who: string, sourceArgs: string[], raw: RawActivityOptions): Promise<ExitCode> {
  const target = parseActivityTarget(who);
  const format = outputFormatFrom<'ndjson' | 'json'>(raw.output, io.stdoutIsTTY, 'ndjson');
  if (raw.summary && (format === 'ndjson' || raw.output === 'timesketch')) throw new UsageError('--summary applies to the terminal form; -o json is the summary as one object');
  const scan = forensicsScan(io, sourceArgs, raw, forensicNarrowFor(io, raw, sourceArgs, 'activity', who));
  const spec = scan.plan.spec;
  // The chain may start in an account or region the flags leave out, so pass 1 reads every account and
  // region of the window (widened by the look-back); the flags bound only what is reported.
  const indexScope: ScanScope = {};
  if (spec.start) indexScope.start = new Date(spec.start.getTime() - scan.lookBackMs);
  if (spec.end) indexScope.end = spec.end;
  // Stdin can be read only once: keep its records in memory and run both passes over them.
  const kept = scan.plan.sources.some((s) => s instanceof StdinSource) ? await collect(scan.plan.scan({ recipe: {}, scope: indexScope, dedup: false })) : undefined;
  const indexRecipe = activityIndexPart.recipe(target);
  const report = await collectActivity(
    target,
    kept ? keptMatching(kept, indexRecipe) : scan.index(indexRecipe, indexScope),
    (recipe) => (kept ? keptMatching(kept, recipe) : scan.main(recipe)),
    {
      accept: scan.accept,
      lookBackMs: scan.lookBackMs,
      followPersistence: raw.followPersistence !== false,
      ...(spec.start ? { startMs: spec.start.getTime() } : {}),
      ...(spec.end ? { endMs: spec.end.getTime() } : {}),
    },
    scan.identity(),
    who,
  );
  return finishReport(io, raw.output, scan.plan, report.events.length > 0, {
    table: () => renderActivityReport(report, raw.summary === true),
    json: () => report.summary,
    rows: () => report.events,
    timeline: () => activityTimeline(report.events),
  });
}

/** The kept stdin records that a recipe's matcher accepts (the same matcher a scan would compile). */
async function* keptMatching(kept: SourcedEvent[], recipe: MatcherRecipe): AsyncIterable<SourcedEvent> {
  const matcher = await compileRecipe(recipe);
  for (const s of kept) if (matcher.matches(s.event)) yield s;
}

async function collect(hits: AsyncIterable<ScanHit>): Promise<SourcedEvent[]> {
  const out: SourcedEvent[] = [];
  for await (const hit of hits) out.push({ event: hit.event, source: hit.source });
  return out;
}
