import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { CtrailError, describeError } from '../errors.js';
import { commandModules } from './commands.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('ctrail');
  program.description('Fast, exact AWS CloudTrail log forensics').version(version());
  program.exitOverride();
  for (const m of commandModules) m.register(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof Error && 'exitCode' in err && typeof (err as { exitCode: unknown }).exitCode === 'number' && (err as { code?: string }).code?.startsWith('commander.')) {
      const code = (err as { exitCode: number }).exitCode;
      process.exitCode = code === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`ctrail: ${err instanceof CtrailError ? err.message : describeError(err)}\n`);
    process.exitCode = 2;
  }
}
