import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { writeReport } from '../output/writer.js';
import type { Register } from './register.js';
import { checkExit, type ExitCode } from './exit.js';
import { formatProblem, type CliIO } from './io.js';
import { outputFormatFrom, threadsFrom } from './options.js';
import { parseTime } from './time.js';
import { addTrailScopeOptions, fatalAsConfig, trailAws, trailJobs, type TrailScopeFlags } from './trail-command.js';

interface ValidateFlags extends TrailScopeFlags {
  trailArn?: string;
  startTime?: string;
  endTime?: string;
  s3Bucket?: string;
  s3Prefix?: string;
  verbose?: boolean;
  allowCopy?: boolean;
  strict?: boolean;
  threads?: string;
  output?: string;
}

export const register: Register = (cmd, io, done) => {
  addTrailScopeOptions(
    cmd
      .argument('[source]', 's3://bucket[/prefix] or a mirror folder (default: the trail\'s bucket)')
      .option('--trail-arn <arn>', 'trail whose bucket, prefix and home region to use')
      .option('--start-time <time>', 'start of the window: ISO 8601 (UTC unless an offset is given) or a duration ago (90m, 6h, 7d)')
      .option('--end-time <time>', 'end of the window (default: now)')
      .option('--s3-bucket <bucket>', 'bucket holding the digests (skips DescribeTrails)')
      .option('--s3-prefix <prefix>', 'the trail\'s S3 key prefix, with --s3-bucket')
      .option('--allow-copy', 'verify a copy of a trail in another bucket or prefix instead of calling every digest moved')
      .option('--strict', 'fail when no digest covers the end of the window, even if nothing shows digests were deleted')
      .option('--verbose', 'also print every valid file')
      .option('--threads <n>', 'worker threads that decompress and hash log files (default: one per core; 1 hashes on the main thread)')
      // `text` is validate's old name for its table form, kept for existing scripts.
      .addOption(new Option('-o, --output <format>', 'table (the words of aws cloudtrail validate-logs) or json (default: table on a terminal, json otherwise)').choices(['table', 'json', 'text'])),
    'validate',
  )
    .action(async (source: string | undefined, flags: ValidateFlags) => done(await runValidate(io, source, flags)));
};

export async function runValidate(io: CliIO, source: string | undefined, flags: ValidateFlags): Promise<ExitCode> {
  // The SDK and the integrity code load only when this command runs.
  const { renderJson, renderText, reportFails, reportIncomplete, unreadableProblems } = await import('../output/validation.js');
  const { chooseKeySource, resolveSource } = await import('../integrity/setup.js');
  const { validateTrail } = await import('../integrity/validate.js');
  const jobs = trailJobs(flags);
  const threads = threadsFrom(flags);
  const format = outputFormatFrom(flags.output === 'text' ? 'table' : flags.output, io.stdoutIsTTY, 'json');
  const aws = trailAws(flags);
  const now = new Date();
  let start = flags.startTime ? parseTime(flags.startTime, '--start-time', now.getTime()) : undefined;
  let end = flags.endTime ? parseTime(flags.endTime, '--end-time', now.getTime()) : undefined;
  const resolved = await resolveSource({
    ...(source ? { source } : {}),
    ...(flags.trailArn ? { trailArn: flags.trailArn } : {}),
    ...(flags.s3Bucket ? { s3Bucket: flags.s3Bucket } : {}),
    ...(flags.s3Prefix ? { s3Prefix: flags.s3Prefix } : {}),
    aws,
  });
  // A mirror remembers its window, so offline validation needs no time flags.
  if (!start && resolved.manifest) start = new Date(resolved.manifest.window.start);
  if (!end && resolved.manifest && !flags.startTime) end = new Date(resolved.manifest.window.end);
  if (!start) throw new UsageError('--start-time is required');
  end ??= now;
  if (start > end) throw new UsageError('Invalid time range specified: start-time must occur before end-time');
  const window = { start, end };
  const keys = await chooseKeySource({ publicKeys: flags.publicKeys, ...(resolved.localDir ? { localDir: resolved.localDir } : {}), window, aws });
  // Online, ask the trail why its digests end where they do; offline, use what the mirror recorded.
  const trailStatus = resolved.manifest
    ? resolved.manifest.trailStatus
    : resolved.trail
      ? [await (await import('../integrity/trail-status.js')).readTrailStatus(aws, resolved.trail.arn, resolved.trail.homeRegion)]
      : undefined;
  const progress = io.stderrIsTTY && format === 'table';
  const hasher = threads > 1 ? (await import('../workers/hash-pool.js')).hashWorkers(threads) : undefined;
  const report = await fatalAsConfig(resolved.view.uri(resolved.prefix), () => validateTrail({
    view: resolved.view,
    prefix: resolved.prefix,
    window,
    ...(resolved.trail ? { trail: resolved.trail } : {}),
    accounts: [...flags.accountId, ...resolved.accounts],
    regions: flags.region,
    jobs,
    ...(hasher ? { hasher } : {}),
    allowCopy: Boolean(flags.allowCopy),
    keys,
    viewFor: resolved.viewFor,
    now,
    ...(trailStatus ? { trailStatus } : {}),
    strict: Boolean(flags.strict),
    ...(progress ? { onProgress: (t: string) => io.stderr.write(`\r\x1b[K${t}`) } : {}),
  })).finally(() => hasher?.close());
  if (progress) io.stderr.write('\r\x1b[K');
  if (format === 'json') {
    // The table form names every problem on stderr; JSON carries them, but what could not be read is
    // still named there, so an incomplete run is never silent.
    for (const p of unreadableProblems(report)) io.stderr.write(formatProblem({ source: p.key, problem: p.detail }));
    await writeReport(io.stdout, `${JSON.stringify(renderJson(report), null, 2)}\n`);
  } else {
    const text = renderText(report, Boolean(flags.verbose));
    io.stderr.write(text.stderr.join(''));
    await writeReport(io.stdout, text.stdout.join(''));
  }
  return checkExit(reportFails(report), reportIncomplete(report));
}
