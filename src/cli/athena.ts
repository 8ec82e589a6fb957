import { UsageError } from '../errors.js';
import type { Register } from './register.js';
import { registerSetup } from './athena-setup.js';
import { registerQuery } from './athena-query.js';
import { registerSql } from './athena-sql.js';

/**
 * `ctrail athena …`: Amazon Athena as a second engine over the same trail bucket (docs/athena.md). One
 * file per subcommand; this one only names them.
 */
export const register: Register = (cmd, io, done, program) => {
  cmd.description('Amazon Athena as a second engine: set up the table over a trail bucket, run queries on it, print the SQL of --engine athena');
  registerSetup(cmd.command('setup'), io, done, program);
  registerQuery(cmd.command('query'), io, done, program);
  registerSql(cmd, io, done, program);
  // Without this, a bare `ctrail athena` prints help and exits 0, as if something had been done.
  cmd.action(() => {
    const names = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
    throw new UsageError(`athena: name a subcommand: ${names.join(', ')} (ctrail athena --help)`);
  });
};
