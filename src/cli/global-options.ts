/**
 * The options the AWS CLI's users type before the command (`aws --profile prod s3 ls`). ctrail's commands
 * each define `--profile`, `--region`, `--endpoint-url` and `-o` with their own meaning (a repeatable
 * `--region`, each command's `-o` choices), so instead of a second, program-level definition that would
 * shadow theirs, the ones typed before the command name are moved to just after it and parsed by the command
 * itself. `--color` and `--debug` are the program's own options (main.ts), which commander reads anywhere.
 */
export interface GlobalOption {
  long: string;
  short?: string;
  /** Whether the option takes a value (`--profile prod`, `--profile=prod`, `-ojson`). */
  value: boolean;
}

export const GLOBAL_OPTIONS: readonly GlobalOption[] = [
  { long: '--profile', value: true },
  { long: '--region', value: true },
  { long: '--endpoint-url', value: true },
  { long: '--output', short: '-o', value: true },
  { long: '--color', value: true },
  { long: '--debug', value: false },
];

/** How many argv words the global option at `args[i]` spans (0: not a global option). */
function globalOptionLength(args: readonly string[], i: number): number {
  const word = args[i]!;
  for (const o of GLOBAL_OPTIONS) {
    if (word === o.long || word === o.short) return o.value && i + 1 < args.length ? 2 : 1;
    if (o.value && word.startsWith(`${o.long}=`)) return 1;
    // -ojson: a short option with its value attached.
    if (o.value && o.short && word.startsWith(o.short) && word.length > o.short.length) return 1;
  }
  return 0;
}

/** Where the run of global options before the command ends, and the command word there (if any). */
function leadingGlobals(args: readonly string[]): number {
  let i = 0;
  while (i < args.length) {
    const n = globalOptionLength(args, i);
    if (n === 0) break;
    i += n;
  }
  return i;
}

/**
 * The command the user named, global options before it skipped: `ctrail --profile p events …` → events,
 * `ctrail help trace` → trace. main.ts loads only that command's code.
 */
/** `ctrail --profile p` and nothing after the global options: the command is what is missing. */
export function onlyGlobalOptions(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  const i = leadingGlobals(args);
  return i > 0 && i >= args.length;
}

export function commandNamed(argv: readonly string[]): string | undefined {
  const args = argv.slice(2);
  const i = leadingGlobals(args);
  return args[i] === 'help' ? args[i + 1] : args[i];
}

/**
 * `ctrail --profile p -o json events demo` → `ctrail events --profile p -o json demo`. Only a run of global
 * options directly after the program is moved, and a value is always taken with its option (so
 * `--profile events events` keeps the profile called "events"). Anything else before the command (an
 * unknown option, `--help`, `--`) ends the run, and what follows is left for commander to judge.
 * `subcommands(path)` names the subcommands of a command path (`athena` → setup, query …): the options go
 * after the whole path, to the command that defines them. `argv` is process.argv: node, the script, then
 * the user's words.
 */
export function hoistGlobalOptions(argv: readonly string[], subcommands: (path: readonly string[]) => readonly string[] = () => []): string[] {
  const head = argv.slice(0, 2);
  const args = argv.slice(2);
  const i = leadingGlobals(args);
  if (i === 0 || i >= args.length) return [...argv];
  const command = args[i]!;
  // `--`: positionals from here on, for commander to judge as typed.
  if (command === '--') return [...argv];
  // An option that is not global (`--nonsense`, `--help`): it goes first, so the error commander gives names
  // it, as it would after the command, instead of the global option before it, which the program level does
  // not define.
  if (command.startsWith('-')) return [...head, ...args.slice(i), ...args.slice(0, i)];
  // `ctrail --profile p help events`: help reads no AWS setting, and takes no options of its own.
  if (command === 'help') return [...head, ...args.slice(i)];
  let end = i + 1;
  while (end < args.length && subcommands(args.slice(i, end)).includes(args[end]!)) end++;
  return [...head, ...args.slice(i, end), ...args.slice(0, i), ...args.slice(end)];
}
