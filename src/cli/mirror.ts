import { UsageError } from '../errors.js';
import { neutralize } from '../output/sanitize.js';
import { writeReport } from '../output/writer.js';
import type { Register } from './register.js';
import { EXIT, type ExitCode } from './exit.js';
import type { CliIO } from './io.js';
import { parseTime } from './time.js';
import { addTrailScopeOptions, fatalAsConfig, trailAws, trailJobs, type TrailScopeFlags } from './trail-command.js';

interface MirrorFlags extends TrailScopeFlags {
  startTime?: string;
  endTime?: string;
  metadataOnly?: boolean;
}

export const register: Register = (cmd, io, done) => {
  addTrailScopeOptions(
    cmd
      .argument('<source>', 's3://bucket[/prefix] (the trail\'s bucket and S3 key prefix)')
      .argument('<dir>', 'mirror folder (created if missing); a re-run resumes it')
      .requiredOption('--start-time <time>', 'start of the window: ISO 8601 (UTC unless an offset is given) or a duration ago (90m, 6h, 7d)')
      .option('--end-time <time>', 'end of the window (default: now)')
      .option('--metadata-only', 'DIR holds an earlier copy of the bucket (e.g. from aws s3 sync): files that match S3 are kept, files that differ are replaced instead of refused'),
    'mirror',
  )
    .action(async (source: string, dir: string, flags: MirrorFlags) => done(await runMirror(io, source, dir, flags)));
};

export async function runMirror(io: CliIO, source: string, dir: string, flags: MirrorFlags): Promise<ExitCode> {
  // The SDK and the integrity code load only when this command runs.
  const { mirrorTrail } = await import('../integrity/mirror.js');
  const { LocalWriteError } = await import('../integrity/mirror-target.js');
  const { chooseKeySource, resolveSource } = await import('../integrity/setup.js');
  const { readTrailStatus } = await import('../integrity/trail-status.js');
  if (!source.startsWith('s3://')) throw new UsageError(`${source}: mirror reads from S3 (s3://bucket[/prefix])`);
  const jobs = trailJobs(flags);
  const aws = trailAws(flags);
  const start = parseTime(flags.startTime!, '--start-time');
  const end = flags.endTime ? parseTime(flags.endTime, '--end-time') : new Date();
  if (start > end) throw new UsageError('Invalid time range specified: start-time must occur before end-time');
  const window = { start, end };
  const resolved = await resolveSource({ source, aws });
  const keys = await chooseKeySource({ publicKeys: flags.publicKeys, window, aws });
  const progress = io.stderrIsTTY;
  let result;
  try {
    result = await fatalAsConfig(resolved.view.uri(resolved.prefix), () => mirrorTrail({
      view: resolved.view,
      prefix: resolved.prefix,
      dir,
      window,
      accounts: [...flags.accountId, ...resolved.accounts],
      regions: flags.region,
      jobs,
      metadataOnly: Boolean(flags.metadataOnly),
      keys,
      trailStatus: (arn, home) => readTrailStatus(aws, arn, home),
      ...(progress ? { onProgress: (t: string) => io.stderr.write(`\r\x1b[K${t}`) } : {}),
    }));
  } catch (err) {
    if (!(err instanceof LocalWriteError)) throw err;
    // A full or read-only disk ends the run; what was finished is journalled, so a re-run resumes.
    if (progress) io.stderr.write('\r\x1b[K');
    io.stderr.write(`ctrail: mirror ${neutralize(dir)}: cannot write (${err.code}: ${neutralize(err.message)}); the copy is incomplete, re-run to resume\n`);
    return EXIT.INCOMPLETE;
  }
  if (progress) io.stderr.write('\r\x1b[K');
  for (const d of result.untrusted) {
    io.stderr.write(`ctrail: note: ${neutralize(resolved.view.uri(d.key))} ${neutralize(d.why)}: mirrored as is, the log files it names were not fetched\n`);
  }
  if (result.absent) io.stderr.write(`ctrail: note: ${result.absent} log file(s) named by verified digests are not in the bucket; validate reports them\n`);
  for (const p of result.problems) io.stderr.write(`ctrail: ${neutralize(p.key)}: ${p.kind}: ${neutralize(p.detail)}\n`);
  await writeReport(io.stdout, `Mirrored ${neutralize(result.manifest.source)} to ${neutralize(dir)}: ${result.copied} objects copied, ${result.kept} kept, ${Object.keys(result.manifest.publicKeys).length} public-key file(s)\n`);
  if (result.problems.length) {
    io.stderr.write(`ctrail: mirror incomplete: ${result.problems.length} object(s) not copied (named above)\n`);
    return EXIT.INCOMPLETE;
  }
  return EXIT.OK;
}
