import chalk, { supportsColor } from 'chalk';

export const COLOR_CHOICES = ['auto', 'always', 'never'] as const;
export type ColorWhen = (typeof COLOR_CHOICES)[number];

/** A variable set to the empty string counts as unset (no-color.org; the same for FORCE_COLOR here). */
function set(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Whether tables on stdout are coloured. The first that speaks decides: `--color always|never`, then
 * FORCE_COLOR (`0` or `false` turn colour off, any other value on), then NO_COLOR (any value), then whether
 * stdout is a terminal that is not `TERM=dumb`.
 */
export function colorWanted(when: ColorWhen | undefined, env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): boolean {
  if (when === 'always') return true;
  if (when === 'never') return false;
  const force = set(env, 'FORCE_COLOR');
  if (force !== undefined) return !/^(0|false)$/i.test(force);
  if (set(env, 'NO_COLOR') !== undefined) return false;
  return stdoutIsTTY && env.TERM !== 'dumb';
}

/**
 * Makes the choice the renderers see: `io.color` for those that take it, and chalk's shared instance for
 * those that use it directly. Forced colour on a pipe gets the basic 16 colours.
 */
export function applyColor(io: { color: boolean }, on: boolean): void {
  io.color = on;
  chalk.level = on ? Math.max(1, supportsColor ? supportsColor.level : 0) as 1 | 2 | 3 : 0;
}
