#!/usr/bin/env node
// Runs before `npm test`: the completion tests load ctrail's scripts in the real zsh and fish, and
// test/man.test.ts renders the man page with groff; a missing program fails them (they are never skipped).
// On a fresh Debian machine run as root (CI, this project's machines) they are installed here; elsewhere
// this says once what to install and leaves it to you.
import { spawnSync } from 'node:child_process';

// command → the Debian package that brings it
const PROGRAMS = { zsh: 'zsh', fish: 'fish', groff: 'groff-base' };
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = Object.keys(PROGRAMS).filter((s) => !has(s)).map((s) => PROGRAMS[s]);
if (missing.length === 0) process.exit(0);

const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root || !has('apt-get')) {
  console.error(`test prerequisites: ${missing.join(' and ')} not found; the completion and man page tests need them (e.g. apt-get install ${missing.join(' ')})`);
  process.exit(0);
}
console.error(`test prerequisites: installing ${missing.join(' and ')} with apt-get (for the completion and man page tests)`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env, timeout: 5 * 60_000 }).status === 0;
if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', '--no-install-recommends', ...missing])) {
  console.error(`test prerequisites: apt-get could not install ${missing.join(' ')}; the completion and man page tests will say so`);
}
