import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { startLookupEventsStandin, type CorpusEvent, type LookupStandin } from '../helpers/lookup-events-standin.js';
import { buildCorpus, CORPUS_ACCOUNT } from '../helpers/history-corpus.js';
import { writeTrailFolder } from '../helpers/trail-folder.js';
import { apiEvent, assumeRole, assumedRole, iamUser } from '../helpers/scenario.js';
import { tempDir } from '../helpers/temp.js';

/**
 * find-deletion and trace over event history must find what they find in a full copy of the same events
 * on disk, although event history is only asked for a few lookup series (catalogue names, the resource
 * name, the issuing calls, the access key).
 */
const NOW = Math.floor(Date.now() / 1000) * 1000;
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SESSION_KEY = 'ASIAEXAMPLESESSION01';
const ROLE_ARN = `arn:aws:iam::${CORPUS_ACCOUNT}:role/Admin`;

let dir: string;
let deletionsOfOrders: number;
let standin: LookupStandin;
let env: NodeJS.ProcessEnv;

before(async () => {
  const alice = iamUser(CORPUS_ACCOUNT, 'alice', 'AKIAEXAMPLEALICE0001');
  const session = assumedRole(CORPUS_ACCOUNT, 'Admin', 'alice-cli', SESSION_KEY, { creationDate: iso(40 * 60_000) });
  const scenario = [
    assumeRole({ caller: alice, roleArn: ROLE_ARN, sessionName: 'alice-cli', issuedKey: SESSION_KEY, eventTime: iso(40 * 60_000), recipientAccountId: CORPUS_ACCOUNT }),
    apiEvent({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DescribeTable', eventTime: iso(30 * 60_000), userIdentity: session, awsRegion: 'eu-west-1', requestParameters: { tableName: 'orders' }, readOnly: true }),
    apiEvent({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', eventTime: iso(25 * 60_000), userIdentity: session, awsRegion: 'eu-west-1', requestParameters: { tableName: 'orders' } }),
    apiEvent({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', eventTime: iso(24 * 60_000), userIdentity: alice, awsRegion: 'eu-west-1', requestParameters: { tableName: 'orders-archive' } }),
    apiEvent({
      eventSource: 'dynamodb.amazonaws.com',
      eventName: 'DeleteTable',
      eventTime: iso(20 * 60_000),
      userIdentity: alice,
      awsRegion: 'us-east-1',
      requestParameters: { tableName: 'orders' },
      errorCode: 'AccessDenied',
    }),
  ] as unknown as CorpusEvent[];
  deletionsOfOrders = scenario.filter((e) => e.eventName === 'DeleteTable' && (e.requestParameters as { tableName?: string }).tableName === 'orders').length;
  const noise = buildCorpus({ perRegion: 60, regions: ['us-east-1', 'eu-west-1'], newest: new Date(NOW) });
  const events = [...noise, ...scenario];
  dir = tempDir('ctrail-history-forensics-');
  writeTrailFolder(dir, events, CORPUS_ACCOUNT);
  standin = await startLookupEventsStandin({ events });
  env = { ...standin.env };
});

after(async () => {
  await standin?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Results without where they were read from: that is the only field allowed to differ. */
function withoutSource(stdout: string): unknown[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'source').map(([k, x]) => [k, strip(x)]));
    return v;
  };
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => strip(JSON.parse(l)));
}

test('find-deletion over history: finds what a full scan of the same events finds, with the chain', async () => {
  const args = ['orders', '--type', 'dynamodb:table', '-o', 'ndjson', '-q'];
  const local = await runCli(['find-deletion', ...args.slice(0, 1), dir, ...args.slice(1)], { env });
  assert.equal(local.code, 0, local.stderr);
  const before = standin.calls.length;
  const history = await runCli(['find-deletion', 'orders', 'history:us-east-1,eu-west-1', ...args.slice(1)], { env });
  assert.equal(history.code, 0, history.stderr);
  const expected = withoutSource(local.stdout) as Array<{ eventName: string; outcome: string; origin: unknown }>;
  assert.equal(expected.length, deletionsOfOrders, local.stdout);
  assert.deepEqual(withoutSource(history.stdout), expected);
  assert.match(JSON.stringify(expected), /alice/);
  // Event history was queried by lookup attribute, never read in full.
  const calls = standin.calls.slice(before).filter((c) => c.operation === 'LookupEvents');
  assert.ok(calls.length > 0);
  for (const c of calls) assert.equal((c.input.LookupAttributes as unknown[] | undefined)?.length, 1);
});

test('find-deletion with an --event-name flag still gets the issuing calls from history: (flags are not pushed down)', async () => {
  const args = ['--type', 'dynamodb:table', '--event-name', 'DeleteTable', '-o', 'ndjson', '-q'];
  const local = await runCli(['find-deletion', 'orders', dir, ...args], { env });
  const history = await runCli(['find-deletion', 'orders', 'history:us-east-1,eu-west-1', ...args], { env });
  assert.equal(history.code, 0, history.stderr);
  assert.deepEqual(withoutSource(history.stdout), withoutSource(local.stdout));
  assert.match(history.stdout, /user\/alice/);
});

test('trace over history: follows a session key back to its user, as a full scan does', async () => {
  const local = await runCli(['trace', SESSION_KEY, dir, '-o', 'ndjson', '-q'], { env });
  assert.equal(local.code, 0, local.stderr);
  const history = await runCli(['trace', SESSION_KEY, 'history:us-east-1,eu-west-1', '-o', 'ndjson', '-q'], { env });
  assert.equal(history.code, 0, history.stderr);
  const expected = withoutSource(local.stdout);
  assert.ok(expected.length > 0);
  assert.match(JSON.stringify(expected), /user\/alice/);
  assert.deepEqual(withoutSource(history.stdout), expected);
  const attributes = standin.calls
    .filter((c) => c.operation === 'LookupEvents')
    .map((c) => (c.input.LookupAttributes as Array<{ AttributeKey: string; AttributeValue: string }> | undefined)?.[0]);
  assert.ok(attributes.some((a) => a?.AttributeKey === 'AccessKeyId' && a.AttributeValue === SESSION_KEY));
});
