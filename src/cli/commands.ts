import type { Command } from 'commander';
import type { CliIO } from './io.js';

/** Every command module exports `register`; adding a command is one line here. */
type Register = (program: Command, io: CliIO) => void;

export const commandModules: Record<string, () => Promise<{ register: Register }>> = {
  events: () => import('./events.js'),
  'find-deletion': () => import('./find-deletion.js'),
  trace: () => import('./trace.js'),
  activity: () => import('./activity.js'),
  count: () => import('./count.js'),
  insights: () => import('./insights.js'),
  hunt: () => import('./hunt.js'),
  audit: () => import('./audit.js'),
  validate: () => import('./validate.js'),
  mirror: () => import('./mirror.js'),
};
