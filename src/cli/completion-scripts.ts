/**
 * The three shells' completion scripts, written from the model completion.ts reads off the commander tree.
 * Every string that reaches a script is ctrail's own help text, yet it is still quoted for the shell, so a
 * quote or bracket in a description can never break (or run) anything.
 */

/** One option as a completer needs it, read from the commander tree. */
export interface CompletionOption {
  short?: string;
  long?: string;
  description: string;
  /** Whether the next word is the option's value. */
  takesValue: boolean;
  /** The values to offer (`-o`'s formats, `--color`'s when). */
  choices?: readonly string[];
}

export interface CompletionCommand {
  name: string;
  summary: string;
  options: CompletionOption[];
  /** Whether the command takes positional arguments (sources, folders): then files are offered. */
  takesFiles: boolean;
  /** Its own commands (`athena setup`, `athena query`), each with its options. */
  subcommands: CompletionCommand[];
}

export interface CompletionModel {
  program: string;
  /** The program's own options and the global ones typed before a command. */
  globalOptions: CompletionOption[];
  commands: CompletionCommand[];
}

const names = (o: CompletionOption): string[] => [o.short, o.long].filter((n): n is string => Boolean(n));

/**
 * Names, option names and choices are written bare into case patterns and word lists, and bash's
 * `compgen -W` expands its list a second time (a `$(…)` that survived the script's own quoting would run at
 * every <Tab>). Quoting for two expansions in three shells is fragile, so these words are held to a set of
 * characters no shell treats specially; a tree that breaks it is refused rather than written.
 */
const PLAIN = /^-{0,2}[A-Za-z0-9][A-Za-z0-9._/+=-]*$/;

function checkWords(m: CompletionModel): void {
  const options = (os: readonly CompletionOption[]): string[] => os.flatMap((o) => [...names(o), ...(o.choices ?? [])]);
  const commands = (cs: readonly CompletionCommand[]): string[] => cs.flatMap((c) => [c.name, ...options(c.options), ...commands(c.subcommands)]);
  for (const word of [m.program, ...options(m.globalOptions), ...commands(m.commands)]) {
    if (!PLAIN.test(word)) throw new Error(`completion: ${JSON.stringify(word)} is not a plain word (letters, digits, . _ / + = -)`);
  }
}

/** Bash: a word list inside double quotes must not expand anything. */
function bashWords(words: readonly string[]): string {
  return words.join(' ').replace(/[\\"$`]/g, '\\$&');
}

function bashCase(options: readonly CompletionOption[], indent: string): string {
  const lines: string[] = [];
  for (const o of options.filter((x) => x.takesValue)) {
    const action = o.choices ? `COMPREPLY=($(compgen -W "${bashWords(o.choices)}" -- "$cur")); return;;` : 'return;;';
    lines.push(`${indent}${names(o).join('|')}) ${action}`);
  }
  return lines.join('\n');
}

/** Every command with its path (`athena query` → ['athena', 'query']), parents first. */
function withPaths(commands: readonly CompletionCommand[], parent: readonly string[] = []): Array<{ path: string[]; c: CompletionCommand }> {
  return commands.flatMap((c) => [{ path: [...parent, c.name], c }, ...withPaths(c.subcommands, [...parent, c.name])]);
}

export function bashScript(m: CompletionModel): string {
  checkWords(m);
  const fn = `_${m.program.replace(/\W/g, '_')}`;
  const valued = m.globalOptions.filter((o) => o.takesValue).flatMap(names);
  const paths = withPaths(m.commands);
  const subcommandCases = [
    `    "") echo "${bashWords(m.commands.map((c) => c.name))}";;`,
    ...paths.filter((p) => p.c.subcommands.length).map((p) => `    "${bashWords([p.path.join(' ')])}") echo "${bashWords(p.c.subcommands.map((c) => c.name))}";;`),
  ].join('\n');
  const commandCases = paths
    .map(({ path, c }) => {
      const options = bashWords(c.options.flatMap(names));
      const words = c.subcommands.length
        ? `      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${options}" -- "$cur")); else COMPREPLY=($(compgen -W "${bashWords(c.subcommands.map((s) => s.name))}" -- "$cur")); fi`
        : `      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${options}" -- "$cur")); fi`;
      return [`    "${bashWords([path.join(' ')])}")`, `      case "$prev" in`, bashCase(c.options, '        '), `      esac`, words, `      ;;`].join('\n');
    })
    .join('\n');
  return `# bash completion for ${m.program}, written by \`${m.program} completion bash\`
${fn}_subcommands() {
  case "$1" in
${subcommandCases}
  esac
}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" word subs i
  # The command path typed so far (\`athena query\`): global options and their values are passed over.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      ${valued.join('|')}) ((i++)); continue;;
      -*) continue;;
    esac
    subs=" $(${fn}_subcommands "$path") "
    if [[ $subs == *" $word "* ]]; then path="\${path:+$path }$word"; else break; fi
  done
  COMPREPLY=()
  case "$path" in
    "")
      case "$prev" in
${bashCase(m.globalOptions, '        ')}
      esac
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${bashWords(m.globalOptions.flatMap(names))}" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "${bashWords(m.commands.map((c) => c.name))}" -- "$cur"))
      fi
      ;;
${commandCases}
  esac
}
complete -o default -F ${fn} ${m.program}
`;
}

/** Zsh: inside '…', with _arguments' own specials ([ ] : \) escaped. */
function zshQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
function zshDescription(text: string): string {
  return text.replace(/[\\[\]:]/g, '\\$&').replace(/\s+/g, ' ');
}

function zshSpecs(options: readonly CompletionOption[]): string[] {
  return options.map((o) => {
    const all = names(o);
    const exclusive = all.length > 1 ? `(${all.join(' ')})` : '';
    // Options with a value may be repeated (--region, --event-name …); flags are offered once.
    const repeat = o.takesValue ? '*' : '';
    const action = o.takesValue ? `:${zshDescription(o.long?.slice(2) ?? 'value')}:${o.choices ? `(${o.choices.map(zshDescription).join(' ')})` : '_default'}` : '';
    const spec = (name: string): string => `${repeat}${name}[${zshDescription(o.description)}]${action}`;
    if (all.length > 1) return all.map((n) => zshQuote(`${exclusive}${spec(n)}`)).join(' ');
    return zshQuote(spec(all[0]!));
  });
}

function zshDescribe(commands: readonly CompletionCommand[]): string {
  return commands.map((c) => zshQuote(`${c.name.replace(/:/g, '\\:')}:${c.summary.replace(/\s+/g, ' ')}`)).join(' ');
}

/** The completion of one command's words: its options, its files, and its subcommands, each in turn. */
function zshCommand(c: CompletionCommand, indent: string): string {
  const specs = [...zshSpecs(c.options), ...(c.takesFiles && !c.subcommands.length ? [zshQuote('*:file:_files')] : [])];
  if (!c.subcommands.length) return `${indent}_arguments -s ${specs.join(' ')} && ret=0`;
  const cases = c.subcommands.map((s) => `${indent}      ${s.name})\n${zshCommand(s, `${indent}        `)}\n${indent}        ;;`).join('\n');
  return `${indent}_arguments -C -s ${specs.join(' ')} '1: :->subcommand' '*:: :->subargs' && ret=0
${indent}case $state in
${indent}  subcommand)
${indent}    local -a subcommands
${indent}    subcommands=(${zshDescribe(c.subcommands)})
${indent}    _describe -t commands '${c.name} subcommand' subcommands && ret=0
${indent}    ;;
${indent}  subargs)
${indent}    case $line[1] in
${cases}
${indent}    esac
${indent}    ;;
${indent}esac`;
}

export function zshScript(m: CompletionModel): string {
  checkWords(m);
  const fn = `_${m.program.replace(/\W/g, '_')}`;
  const cases = m.commands.map((c) => `        ${c.name})\n${zshCommand(c, '          ')}\n          ;;`).join('\n');
  return `#compdef ${m.program}
# zsh completion for ${m.program}, written by \`${m.program} completion zsh\`
${fn}() {
  local curcontext="$curcontext" state line ret=1
  typeset -A opt_args
  local -a commands
  commands=(${zshDescribe(m.commands)})
  _arguments -C \\
    ${zshSpecs(m.globalOptions).join(' \\\n    ')} \\
    '1: :->command' \\
    '*:: :->args' && ret=0
  case $state in
    command)
      _describe -t commands '${m.program} command' commands && ret=0
      ;;
    args)
      case $line[1] in
${cases}
      esac
      ;;
  esac
  return ret
}
if [[ $funcstack[1] == ${fn} ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${m.program}
fi
`;
}

/** Fish: inside '…', where only \\ and \\' are special. */
function fishQuote(text: string): string {
  return `'${text.replace(/\s+/g, ' ').replace(/[\\']/g, '\\$&')}'`;
}

function fishOption(program: string, condition: string, o: CompletionOption): string {
  const parts = [`complete -c ${program}`, `-n ${fishQuote(condition)}`];
  if (o.short) parts.push(`-s ${o.short.slice(1)}`);
  if (o.long) parts.push(`-l ${o.long.slice(2)}`);
  if (o.takesValue) parts.push(o.choices ? `-x -a ${fishQuote(o.choices.join(' '))}` : '-r');
  parts.push(`-d ${fishQuote(o.description)}`);
  return parts.join(' ');
}

export function fishScript(m: CompletionModel): string {
  checkWords(m);
  const p = m.program;
  const seen = (path: readonly string[]): string => path.map((w) => `__fish_seen_subcommand_from ${w}`).join('; and ');
  const none = (commands: readonly CompletionCommand[]): string => `not __fish_seen_subcommand_from ${commands.map((c) => c.name).join(' ')}`;
  const lines = [
    `# fish completion for ${p}, written by \`${p} completion fish\``,
    `complete -c ${p} -e`,
    ...m.commands.map((c) => `complete -c ${p} -f -n ${fishQuote(none(m.commands))} -a ${c.name} -d ${fishQuote(c.summary)}`),
    ...m.globalOptions.map((o) => fishOption(p, none(m.commands), o)),
  ];
  for (const { path, c } of withPaths(m.commands)) {
    lines.push(...c.options.map((o) => fishOption(p, seen(path), o)));
    if (c.subcommands.length) {
      const where = `${seen(path)}; and ${none(c.subcommands)}`;
      lines.push(...c.subcommands.map((s) => `complete -c ${p} -f -n ${fishQuote(where)} -a ${s.name} -d ${fishQuote(s.summary)}`));
    }
  }
  return `${lines.join('\n')}\n`;
}
