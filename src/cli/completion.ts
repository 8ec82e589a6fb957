import type { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { writeReport } from '../output/writer.js';
import { EXIT } from './exit.js';
import type { Register } from './register.js';
import { bashScript, fishScript, zshScript, type CompletionCommand, type CompletionModel, type CompletionOption } from './completion-scripts.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

function optionOf(o: Option): CompletionOption {
  const c: CompletionOption = { description: o.description, takesValue: o.required || o.optional };
  if (o.short) c.short = o.short;
  if (o.long) c.long = o.long;
  if (o.argChoices?.length) c.choices = o.argChoices;
  return c;
}

const HELP: CompletionOption = { short: '-h', long: '--help', description: 'display help for command', takesValue: false };

/**
 * The completer's view of the whole tree. Options that a command defines and that may also come before the
 * command (global-options.ts) are offered there too, taken from the first command that has them.
 */
function commandsOf(parent: Command, depth: number): CompletionCommand[] {
  // Two levels (`athena query`) is all ctrail has; the bound keeps a cyclic tree from looping.
  if (depth > 3) return [];
  return parent.commands
    .filter((c) => c.name() !== 'help')
    .map((c) => ({
      name: c.name(),
      summary: c.description(),
      options: [...c.options.filter((o) => !o.hidden).map(optionOf), HELP],
      takesFiles: c.registeredArguments.length > 0,
      subcommands: commandsOf(c, depth + 1),
    }));
}

const everyCommand = (commands: readonly CompletionCommand[]): CompletionCommand[] => commands.flatMap((c) => [c, ...everyCommand(c.subcommands)]);

export function completionModel(program: Command, globalLongs: readonly string[]): CompletionModel {
  const commands = commandsOf(program, 0);
  const all = everyCommand(commands);
  const globalOptions = program.options.filter((o) => !o.hidden).map(optionOf);
  for (const long of globalLongs) {
    if (globalOptions.some((o) => o.long === long)) continue;
    const found = all.flatMap((c) => c.options).find((o) => o.long === long);
    // `-o` has different formats in each command: before the command, any of them.
    if (found) {
      const choices = [...new Set(all.flatMap((c) => c.options.filter((o) => o.long === long).flatMap((o) => o.choices ?? [])))];
      globalOptions.push({ ...found, ...(choices.length ? { choices } : {}) });
    }
  }
  globalOptions.push(HELP);
  return { program: program.name(), globalOptions, commands };
}

export function completionScript(shell: Shell, model: CompletionModel): string {
  switch (shell) {
    case 'bash':
      return bashScript(model);
    case 'zsh':
      return zshScript(model);
    case 'fish':
      return fishScript(model);
  }
}

export const register: Register = (cmd, io, done, program) => {
  cmd.argument('<shell>', `${SHELLS.join(', ')}`).action(async (shell: string) => {
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion ${shell}: expected ${SHELLS.join(', ')}`);
    // The whole tree, every command's real options: the same one a run parses and the man page shows.
    const [tree, { GLOBAL_OPTIONS }] = await Promise.all([program.wholeTree(), import('./global-options.js')]);
    const model = completionModel(tree, GLOBAL_OPTIONS.map((o) => o.long));
    await writeReport(io.stdout, completionScript(shell as Shell, model));
    done(EXIT.OK);
  });
};
