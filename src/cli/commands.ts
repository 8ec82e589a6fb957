import type { Command } from 'commander';
import type { CliIO } from './io.js';

/** Every command module exports `register`; adding a command is one line here. */
type Register = (program: Command, io: CliIO) => void;

export const commandModules: Array<() => Promise<{ register: Register }>> = [
  () => import('./events.js'),
  () => import('./find-deletion.js'),
  () => import('./trace.js'),
  () => import('./count.js'),
  () => import('./insights.js'),
  () => import('./hunt.js'),
  () => import('./audit.js'),
  () => import('./validate.js'),
  () => import('./mirror.js'),
];
