import { createHash } from 'node:crypto';

/**
 * Reads stdin to its end and prints "<lines> <md5>": the broad scan's answer (its line count) and its output's
 * digest, without keeping the output. Usage: <command> | node digest.js
 */
const hash = createHash('md5');
let lines = 0;
for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
  hash.update(chunk);
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
}
console.log(`${lines} ${hash.digest('hex')}`);
