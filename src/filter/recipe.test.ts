import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRecipe, matcherPart, recipeOf, type MatcherRecipe } from './recipe.js';
import { compileFilters } from './flags.js';
import { compileEventPattern } from './dialects/eventbridge.js';
import { compileFilterPattern } from './dialects/cwl.js';
import { allOf } from './matcher.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';

const base = {
  eventVersion: '1.09',
  eventTime: '2026-03-01T10:00:00Z',
  awsRegion: 'eu-west-1',
  recipientAccountId: '111122223333',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice', accountId: '111122223333' },
} as const;
const events: CloudTrailEvent[] = [
  { ...base, eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', readOnly: false, requestParameters: { tableName: 'orders' } },
  { ...base, eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', readOnly: false, errorCode: 'AccessDenied', requestParameters: { tableName: 'x' } },
  { ...base, eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket', readOnly: false, requestParameters: { bucketName: 'orders' } },
  { ...base, eventSource: 'dynamodb.amazonaws.com', eventName: 'DescribeTable', readOnly: true, requestParameters: { tableName: 'orders' } },
] as unknown as CloudTrailEvent[];

test('a recipe compiles to the matcher its parts give directly: same verdicts, same needles', async () => {
  const pattern = '{"detail":{"eventSource":["dynamodb.amazonaws.com"]}}';
  const filter = '{ $.requestParameters.tableName = "orders" }';
  const recipe = recipeOf({ flags: { eventNames: ['Delete*'], readOnly: false } }, { eventPatterns: [pattern], filterPatterns: [filter] });
  // A recipe crosses threads by structured clone: it must survive one unchanged.
  const cloned = structuredClone(recipe);
  const direct = allOf([compileFilters({ eventNames: ['Delete*'], readOnly: false }), compileEventPattern(pattern), compileFilterPattern(filter)]);
  const viaRecipe = await compileRecipe(cloned);
  assert.deepEqual(viaRecipe.needles, direct.needles);
  assert.deepEqual(events.map((e) => viaRecipe.matches(e)), events.map((e) => direct.matches(e)));
  assert.deepEqual(events.map((e) => viaRecipe.matches(e)), [true, false, false, false]);
});

/** A part of this test module, as a domain module publishes one: any thread can import it by URL. */
export const deleteBucketPart = matcherPart(import.meta.url, 'deleteBucketPart', (names: string[]) => compileFilters({ eventNames: names }));

test('a module part is rebuilt from its URL, export name and plain-data argument', async () => {
  const recipe = deleteBucketPart.recipe(['DeleteBucket']);
  const m = await compileRecipe(structuredClone(recipe));
  assert.deepEqual(events.map((e) => m.matches(e)), [false, false, true, false]);
  // A recipe that names anything but a part published under that very name is refused, on every thread alike.
  const named = (exportName: string): MatcherRecipe => ({ modules: [{ module: deleteBucketPart.module, export: exportName, arg: ['DeleteBucket'] }] });
  await assert.rejects(compileRecipe(named('nope')), /does not export a matcher part named nope/);
  await assert.rejects(compileRecipe(named('aliasPart')), /does not export a matcher part named aliasPart/);
  const flagsModule = new URL('./flags.js', import.meta.url).href;
  await assert.rejects(compileRecipe({ modules: [{ module: flagsModule, export: 'compileFilters', arg: {} }] }), /does not export a matcher part named compileFilters/);
});

/** The same part under a second name: its recorded name no longer matches the export it is found under. */
export const aliasPart = deleteBucketPart;

test('parts combine with AND, and a recipe of several recipes keeps every part', async () => {
  const recipe = recipeOf({ flags: { readOnly: false } }, deleteBucketPart.recipe(['DeleteBucket', 'DeleteTable']), { filterPatterns: ['{ $.errorCode NOT EXISTS }'] });
  assert.equal(recipe.modules?.length, 1);
  const m = await compileRecipe(structuredClone(recipe));
  assert.deepEqual(events.map((e) => m.matches(e)), [true, false, true, false]);
  assert.throws(() => recipeOf({ flags: {} }, { flags: {} }), /one FilterSpec/);
});

test('an empty recipe accepts everything', async () => {
  const m = await compileRecipe({});
  assert.equal(m.needles.length, 0);
  assert.ok(events.every((e) => m.matches(e)));
});
