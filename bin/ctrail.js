#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, which `npm ci` runs via `prepare`).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import('../dist/src/cli/main.js')
  .then((m) => m.main(process.argv))
  .catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('ctrail: not built yet; run `npm install` (or `npm run build`) in the ctrail folder\n');
    } else {
      process.stderr.write(`ctrail: internal error: ${err && err.message ? err.message : String(err)}\n`);
    }
    process.exitCode = 2;
  });
