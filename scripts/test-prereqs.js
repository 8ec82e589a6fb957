#!/usr/bin/env node
// Runs before `npm test`: the completion tests load ctrail's scripts in the real zsh and fish, and a missing
// shell fails them (they are never skipped). On a fresh Debian machine run as root (CI, this project's
// machines) the shells are installed here; elsewhere this says once what to install and leaves it to you.
import { spawnSync } from 'node:child_process';

const SHELLS = ['zsh', 'fish'];
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = SHELLS.filter((s) => !has(s));
if (missing.length === 0) process.exit(0);

const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root || !has('apt-get')) {
  console.error(`test prerequisites: ${missing.join(' and ')} not found; the completion tests need them (e.g. apt-get install ${missing.join(' ')})`);
  process.exit(0);
}
console.error(`test prerequisites: installing ${missing.join(' and ')} with apt-get (for the completion tests)`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 5 * 60_000 }).status === 0;
if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', '--no-install-recommends', ...missing])) {
  console.error(`test prerequisites: apt-get could not install ${missing.join(' ')}; the completion tests will say so`);
}
