import { UsageError } from '../errors.js';
import { neutralize } from '../output/sanitize.js';
import type { Register } from './register.js';
import { EXIT, type ExitCode } from './exit.js';
import type { CliIO } from './io.js';
import { addAthenaRunOptions, athenaAws, athenaErrorExit, athenaQueryFrom, runAthenaFromCli, type AthenaFlags } from './athena-run.js';

interface QueryFlags extends AthenaFlags {
  quiet?: boolean;
}

/**
 * `ctrail athena query SQL`: runs SQL (the SQL `athena sql` prints, or any) with ctrail's progress, scan
 * limit and Ctrl-C, and prints the rows as tab-separated text with a header line.
 */
export const registerQuery: Register = (cmd, io, done) => {
  addAthenaRunOptions(
    cmd
      .description('run SQL on Athena: progress and cost on stderr, rows on stdout as tab-separated text (- reads the SQL from stdin)')
      .argument('<sql>', 'the query, or - for stdin'),
  )
    .option('--region <region>', 'AWS region of the Athena workgroup and the Glue catalog')
    .option('--profile <name>', 'AWS profile from the shared config files')
    .option('-q, --quiet', 'no progress and no final line on stderr')
    .action(async (sql: string, flags: QueryFlags) => done(await runQueryCommand(io, sql, flags)));
};

export async function runQueryCommand(io: CliIO, sqlArg: string, flags: QueryFlags): Promise<ExitCode> {
  const sql = sqlArg === '-' ? await readStdin(io) : sqlArg;
  if (!sql.trim()) throw new UsageError('athena query: the SQL is empty');
  const q = athenaQueryFrom(sql, flags);
  const aws = athenaAws(flags);
  const { OutputWriter } = await import('../output/writer.js');
  const { AthenaQueryError } = await import('../athena/client.js');
  const out = new OutputWriter(io.stdout);
  let header: string[] = [];
  let printed = 0;
  // Cells come from the data: tabs and newlines inside one are escaped, so a row stays one line.
  const line = (cells: string[]) => cells.map((c) => neutralize(c)).join('\t') + '\n';
  try {
    const { rows } = await runAthenaFromCli(io, aws, q, { quiet: Boolean(flags.quiet), onColumns: (c) => (header = c) }, async (row) => {
      if (printed === 0) await out.write(line(header));
      printed++;
      await out.write(line(row));
      return !out.closed;
    });
    await out.end();
    return rows > 0 ? EXIT.OK : EXIT.NO;
  } catch (err) {
    await out.end().catch(() => undefined);
    if (err instanceof AthenaQueryError && athenaErrorExit(err, printed) === EXIT.INCOMPLETE) {
      io.stderr.write(`ctrail: ${err.message}; the ${printed} row(s) printed are not the whole answer\n`);
      return EXIT.INCOMPLETE;
    }
    throw err;
  }
}

async function readStdin(io: CliIO): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of io.stdin as AsyncIterable<Buffer>) {
    size += c.length;
    // Athena's own ceiling on a query string is 256 KB; more is not SQL anyone means.
    if (size > 262_144) throw new UsageError('athena query: the SQL on stdin is longer than Athena accepts (256 KB)');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}
