import type { CompletionCommand, CompletionModel, CompletionOption } from './completion.js';

/**
 * The three shells' completion scripts, written from the model completion.ts reads off the commander tree.
 * Every string that reaches a script is ctrail's own help text, yet it is still quoted for the shell, so a
 * quote or bracket in a description can never break (or run) anything.
 */

const names = (o: CompletionOption): string[] => [o.short, o.long].filter((n): n is string => Boolean(n));

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

export function bashScript(m: CompletionModel): string {
  const fn = `_${m.program.replace(/\W/g, '_')}`;
  const valued = m.globalOptions.filter((o) => o.takesValue).flatMap(names);
  const commandCases = m.commands
    .map((c) => {
      const options = bashWords(c.options.flatMap(names));
      return [
        `    ${c.name})`,
        `      case "$prev" in`,
        bashCase(c.options, '        '),
        `      esac`,
        `      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "${options}" -- "$cur")); fi`,
        `      ;;`,
      ].join('\n');
    })
    .join('\n');
  return `# bash completion for ${m.program}, written by \`${m.program} completion bash\`
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${valued.join('|')}) ((i++));;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break;;
    esac
  done
  COMPREPLY=()
  case "$cmd" in
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

export function zshScript(m: CompletionModel): string {
  const fn = `_${m.program.replace(/\W/g, '_')}`;
  const commands = m.commands.map((c) => `    ${zshQuote(`${c.name.replace(/:/g, '\\:')}:${c.summary.replace(/\s+/g, ' ')}`)}`).join('\n');
  const cases = m.commands
    .map((c: CompletionCommand) => {
      const specs = [...zshSpecs(c.options), ...(c.takesFiles ? [zshQuote('*:file:_files')] : [])];
      return `        ${c.name})\n          _arguments -s \\\n            ${specs.join(' \\\n            ')}\n          ;;`;
    })
    .join('\n');
  return `#compdef ${m.program}
# zsh completion for ${m.program}, written by \`${m.program} completion zsh\`
${fn}() {
  local curcontext="$curcontext" state line ret=1
  typeset -A opt_args
  local -a commands
  commands=(
${commands}
  )
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
  const p = m.program;
  const all = m.commands.map((c) => c.name).join(' ');
  const lines = [
    `# fish completion for ${p}, written by \`${p} completion fish\``,
    `complete -c ${p} -e`,
    ...m.commands.map((c) => `complete -c ${p} -f -n ${fishQuote(`not __fish_seen_subcommand_from ${all}`)} -a ${c.name} -d ${fishQuote(c.summary)}`),
    ...m.globalOptions.map((o) => fishOption(p, `not __fish_seen_subcommand_from ${all}`, o)),
    ...m.commands.flatMap((c) => c.options.map((o) => fishOption(p, `__fish_seen_subcommand_from ${c.name}`, o))),
  ];
  return `${lines.join('\n')}\n`;
}
