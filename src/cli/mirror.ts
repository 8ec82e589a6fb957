import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { processIO, type CliIO } from './io.js';
import { parseTime } from './time.js';
import { addTrailScopeOptions, fatalAsConfig, trailAws, trailJobs, type TrailScopeFlags } from './trail-command.js';

interface MirrorFlags extends TrailScopeFlags {
  startTime?: string;
  endTime?: string;
  metadataOnly?: boolean;
}

export function register(program: Command, io: CliIO = processIO()): void {
  addTrailScopeOptions(
    program
      .command('mirror')
      .description('copy a trail\'s digests, log files, signatures and public keys for a window into a folder that `ctrail validate DIR` checks offline')
      .argument('<source>', 's3://bucket[/prefix] (the trail\'s bucket and S3 key prefix)')
      .argument('<dir>', 'mirror folder (created if missing)')
      .requiredOption('--start-time <time>', 'start of the window: ISO 8601 (UTC unless an offset is given) or a duration ago (90m, 6h, 7d)')
      .option('--end-time <time>', 'end of the window (default: now)')
      .option('--metadata-only', 'keep files already in DIR (e.g. from aws s3 sync); add only signatures, keys and the manifest'),
    'mirror',
  )
    .action(async (source: string, dir: string, flags: MirrorFlags) => {
      // The SDK and the integrity code load only when this command runs.
      const { mirrorTrail } = await import('../integrity/mirror.js');
      const { chooseKeySource, resolveSource } = await import('../integrity/setup.js');
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
      const result = await fatalAsConfig(resolved.view.uri(resolved.prefix), () => mirrorTrail({
        view: resolved.view,
        prefix: resolved.prefix,
        dir,
        window,
        accounts: [...flags.accountId, ...resolved.accounts],
        regions: flags.region,
        jobs,
        metadataOnly: Boolean(flags.metadataOnly),
        keys,
        ...(progress ? { onProgress: (t: string) => io.stderr.write(`\r\x1b[K${t}`) } : {}),
      }));
      if (progress) io.stderr.write('\r\x1b[K');
      io.stdout.write(`Mirrored ${result.manifest.source} to ${dir}: ${result.copied} objects copied, ${result.skipped} kept, ${Object.keys(result.manifest.publicKeys).length} public-key file(s)\n`);
      process.exitCode = 0;
    });
}

