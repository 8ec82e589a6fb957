#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` in a checkout, by `npm pack` for the registry).
// Written in old syntax on purpose: on a Node too old to run ctrail, this file must still parse so it can say why.
// CommonJS, not a module: Node starts a CommonJS file faster, which is all `--version` costs (x1.12 of `node -e 0`
// against x1.23 as a module); the CLI itself is loaded as the module it is.
var NEED = [22, 15];
var SUPPORTED = '>= 22.15 (22 and 24 are tested)';
var have = String(process.versions.node).split('.').map(Number);
if (have[0] < NEED[0] || (have[0] === NEED[0] && have[1] < NEED[1])) {
  process.stderr.write('ctrail: needs Node.js ' + SUPPORTED + '; this is Node ' + process.versions.node + ' (see docs/install.md)\n');
  process.exit(2);
}
// `ctrail --version` alone, as scripts ask it, answers from package.json without loading the CLI (commander and
// the command table): the same text commander prints, at the cost of starting Node.
var args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  var fs = require('node:fs');
  process.stdout.write(JSON.parse(fs.readFileSync(require('node:path').join(__dirname, '..', 'package.json'), 'utf8')).version + '\n');
} else import('../dist/src/cli/main.js')
  .then(function (m) { return m.main(process.argv); })
  .catch(function (err) {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('ctrail: not built yet; run `npm ci` (or `npm run build`) in the ctrail folder\n');
    } else {
      process.stderr.write('ctrail: internal error: ' + (err && err.message ? err.message : String(err)) + '\n');
    }
    process.exitCode = 2;
  });
