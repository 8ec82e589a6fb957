import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { activityIndexPart, collectActivity, parseActivityTarget } from '../forensics/activity.js';
import { compileRecipe, type MatcherRecipe } from '../filter/recipe.js';
import { renderActivityReport } from '../forensics/activity-render.js';
import type { SourcedEvent } from '../cloudtrail/event.js';
import type { ScanHit } from '../pipeline/scan.js';
import { StdinSource } from '../source/local.js';
import type { ScanScope } from '../source/types.js';
import type { CliIO } from './io.js';
import { addForensicsOptions, exitCode, forensicsScan, writeOut, type RawForensicsOptions } from './forensics-scan.js';

interface RawActivityOptions extends RawForensicsOptions {
  summary?: boolean;
  followPersistence?: boolean;
}

export function register(program: Command, io: CliIO): void {
  addForensicsOptions(
    program
      .command('activity')
      .description('blast radius: everything a credential or person did, through every session it spawned (role chains, other accounts, new access keys)')
      .argument('<who>', 'access key id (AKIA…/ASIA…), IAM user or role ARN, session ARN (assumed-role/…, federated-user/…), or a SAML/web-identity subject or Identity Center user name')
      .argument('[source...]', 'files, folders, globs, - (stdin), s3://bucket[/prefix], history:REGION, logs:GROUP')
      .option('--summary', 'print the summary alone, without the timeline')
      .option('--follow-persistence', 'follow access keys (CreateAccessKey) and users (CreateUser) created by the set into their own use', true)
      .option('--no-follow-persistence', 'report persistence, but do not follow the new keys and users'),
  ).action(async (who: string, sources: string[], raw: RawActivityOptions) => {
    process.exitCode = await runActivity(io, who, sources, raw);
  });
}

export async function runActivity(io: CliIO, who: string, sourceArgs: string[], raw: RawActivityOptions): Promise<number> {
  const target = parseActivityTarget(who);
  const format = raw.output ?? (io.stdoutIsTTY ? 'table' : 'ndjson');
  if (raw.summary && format === 'ndjson') throw new UsageError('--summary applies to the terminal form; -o json is the summary as one object');
  const scan = forensicsScan(io, sourceArgs, raw);
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
    kept ? keptMatching(kept, indexRecipe) : sourced(scan.plan.scan({ recipe: indexRecipe, scope: indexScope, dedup: false })),
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
  scan.plan.stopProgress();
  if (format === 'table') await writeOut(io, renderActivityReport(report, raw.summary === true));
  else if (format === 'json') await writeOut(io, JSON.stringify(report.summary, null, 2) + '\n');
  else await writeOut(io, report.events.map((x) => JSON.stringify(x) + '\n').join(''));
  return exitCode(report.events.length > 0, scan.plan);
}

async function* sourced(hits: AsyncIterable<ScanHit>): AsyncIterable<SourcedEvent> {
  for await (const hit of hits) yield { event: hit.event, source: hit.source };
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
