import type { Command } from 'commander';
import * as mirror from './mirror.js';
import * as validate from './validate.js';

/** One module per command; each adds itself to the program. */
export const commandModules: Array<{ register(program: Command): void }> = [validate, mirror];
