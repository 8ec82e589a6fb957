import type { Register } from './register.js';
import { registerSql } from './athena-sql.js';

/** `ctrail athena …`: Amazon Athena as a second engine (docs/athena.md). */
export const register: Register = (cmd, io, done) => {
  registerSql(cmd, io, done);
};
