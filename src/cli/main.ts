import { Command } from 'commander';
import { readFileSync } from 'node:fs';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('ctrail');
  program.description('Fast, exact AWS CloudTrail log forensics').version(version());
  await program.parseAsync(argv);
}
