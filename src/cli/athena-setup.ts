import { UsageError } from '../errors.js';
import { parseS3Uri } from '../source/object-store.js';
import { neutralize } from '../output/sanitize.js';
import { writeReport } from '../output/writer.js';
import type { Register } from './register.js';
import { EXIT, type ExitCode } from './exit.js';
import type { CliIO } from './io.js';
import { addAthenaTableOptions, athenaAws, athenaNames, athenaOutputLocation, athenaWorkgroup, type AthenaFlags } from './athena-run.js';
import { fatalAsConfig } from './trail-command.js';

interface SetupFlags extends AthenaFlags {
  print?: boolean;
  replace?: boolean;
  endpointUrl?: string;
  jobs: string;
}

export const registerSetup: Register = (cmd, io, done) => {
  addAthenaTableOptions(
    cmd
      .description('create (or bring up to date) the Athena database and table over a trail bucket, with partition projection over its organization, accounts, regions and days')
      .argument('<source>', "s3://bucket[/prefix]: the trail's bucket and S3 key prefix"),
  )
    .option('--print', 'print the Athena DDL instead of creating anything (the bucket is still listed)')
    .option('--replace', 'point an existing table that reads another place (or that ctrail did not make) at this trail')
    .option('--region <region>', 'AWS region of the Glue catalog and the Athena workgroup')
    .option('--profile <name>', 'AWS profile from the shared config files')
    .option('--endpoint-url <url>', 'S3 endpoint (Glue: AWS_ENDPOINT_URL_GLUE, Athena: AWS_ENDPOINT_URL_ATHENA)')
    .option('--jobs <n>', 'listings in flight', '16')
    .action(async (source: string, flags: SetupFlags) => done(await runSetup(io, source, flags)));
};

export async function runSetup(io: CliIO, source: string, flags: SetupFlags): Promise<ExitCode> {
  if (!source.startsWith('s3://')) throw new UsageError(`${source}: athena setup reads a trail bucket (s3://bucket[/prefix])`);
  // The prefix ends up in the table's location and in printed DDL: no control characters or quotes games.
  if (/[\u0000-\u001f\u007f]/.test(source)) throw new UsageError(`${neutralize(source)}: control characters in the S3 address`);
  const names = athenaNames(flags);
  const workgroup = athenaWorkgroup(flags);
  const outputLocation = athenaOutputLocation(flags);
  const jobs = Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 512) throw new UsageError(`--jobs ${flags.jobs}: expected a whole number from 1 to 512`);
  const aws = { ...athenaAws(flags), ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}) };

  const { openStore } = await import('../source/store.js');
  const { discoverTrailLayout } = await import('../source/trail-layout.js');
  const { ListingError } = await import('../source/s3-retry.js');
  const { tableSpecFromLayout } = await import('../athena/setup.js');
  const store = openStore(source, aws);
  const { bucket } = parseS3Uri(source);
  let layout;
  try {
    layout = await fatalAsConfig(source, () => discoverTrailLayout(store, { jobs }));
  } catch (err) {
    if (!(err instanceof ListingError)) throw err;
    io.stderr.write(`ctrail: ${neutralize(store.display(err.prefix))}: ${neutralize(err.message)}; the layout is incomplete, so nothing was changed\n`);
    return EXIT.INCOMPLETE;
  }
  for (const folder of layout.ignored.slice(0, 5)) io.stderr.write(`ctrail: note: ${neutralize(folder)} is not part of the trail layout; the table does not cover it\n`);
  if (layout.ignored.length > 5) io.stderr.write(`ctrail: note: ${layout.ignored.length - 5} more folder(s) outside the layout\n`);
  const spec = tableSpecFromLayout(layout, bucket, names, source);
  const what = `${spec.accounts.length} account(s), ${spec.regions.length} region(s), from ${spec.firstDay}`;

  if (flags.print) {
    const { athenaDdl } = await import('../athena/table.js');
    await writeReport(io.stdout, athenaDdl(spec));
    return EXIT.OK;
  }

  const { athenaClient, checkResultLocation } = await import('../athena/client.js');
  const athena = athenaClient(aws);
  try {
    // Before anything is written: a mistyped workgroup is a usage error, and a table nobody can query is worth a word.
    const note = await checkResultLocation(athena, workgroup, outputLocation);
    if (note) io.stderr.write(`ctrail: note: ${neutralize(note)}\n`);
  } finally {
    athena.destroy();
  }

  const { applyTable, glueClient } = await import('../athena/setup.js');
  const glue = glueClient(aws);
  let outcome;
  try {
    outcome = await applyTable(glue, spec, { replace: Boolean(flags.replace) });
  } finally {
    glue.destroy();
  }
  const name = `${spec.database}.${spec.table}`;
  const over = neutralize(spec.location);
  let text: string;
  switch (outcome.kind) {
    case 'created':
      text = `Created table ${name} over ${over}: ${what}${outcome.databaseCreated ? ` (and database ${spec.database})` : ''}`;
      break;
    case 'unchanged':
      text = `Table ${name} over ${over} is up to date (${what}): nothing changed`;
      break;
    case 'updated':
      // A change names the catalog's old values, which whoever can write the catalog chose.
      text = `Updated table ${name}: the layout changed: ${outcome.changes.map(neutralize).join('; ')}`;
      break;
    case 'replaced':
      text = `Replaced table ${name}: it read ${neutralize(outcome.was)}, it now reads ${over} (${what})`;
      break;
  }
  await writeReport(io.stdout, text + '\n');
  return EXIT.OK;
}
