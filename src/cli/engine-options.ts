import { Option, type Command } from 'commander';
import { DEFAULT_DATABASE, DEFAULT_TABLE } from './athena-run.js';

/**
 * `--engine` and its Athena settings, as every command that has them declares them. Kept apart from the
 * engine itself (athena-engine.ts), so the shared forensics options can add them without importing it.
 */

export interface RawEngineOptions {
  engine?: string;
  database?: string;
  table?: string;
  workgroup?: string;
  outputLocation?: string;
  maxScanGb?: string;
}

export function addEngineOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--engine <engine>', 'local: read the sources here; athena: let Amazon Athena find the objects that hold candidates first (S3 trail sources only; docs/athena.md)').choices(['local', 'athena']).default('local'))
    .option('--database <name>', `with --engine athena: the database of the table (default: ${DEFAULT_DATABASE})`)
    .option('--table <name>', `with --engine athena: the table \`ctrail athena setup\` made (default: ${DEFAULT_TABLE})`)
    .option('--workgroup <name>', 'with --engine athena: the Athena workgroup (default: primary)')
    .option('--output-location <s3-uri>', "with --engine athena: where Athena writes results (default: the workgroup's)")
    .option('--max-scan-gb <n>', 'with --engine athena: stop a query on Athena once it has scanned more than this many GB (default: 100)');
}
