import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateSql, COL, flagPredicates, likeGlob, partitionPredicates, sqlIdent, sqlString } from './sql.js';
import { CLOUDTRAIL_COLUMNS, PARTITION_COLUMNS, type HiveType } from './table.js';
import { keyWindow } from '../cloudtrail/layout.js';

test('a literal cannot be ended by its value: quotes are doubled, nothing else changes', () => {
  assert.equal(sqlString("o'brien"), "'o''brien'");
  assert.equal(sqlString("'; DROP TABLE x; --"), "'''; DROP TABLE x; --'");
  assert.equal(sqlString('a\\b\n%_'), "'a\\b\n%_'");
  assert.equal(sqlIdent('we"ird'), '"we""ird"');
});

test('a glob becomes a LIKE pattern whose %, _ and \\ are literal', () => {
  assert.equal(likeGlob('Delete*'), 'Delete%');
  assert.equal(likeGlob('Get?bject'), 'Get_bject');
  assert.equal(likeGlob('100%_done\\*'), '100\\%\\_done\\\\%');
  // Two `?` may be one character outside the BMP to Athena: at least one character, never exactly two.
  assert.equal(likeGlob('pager-??'), 'pager-_%');
  assert.equal(likeGlob('a?*?b???'), 'a_%b__%');
});

test('partitions use the delivery-lag window of local pruning, accounts, and the regions a folder scope opens', () => {
  const start = new Date('2026-03-14T00:30:00Z');
  const end = new Date('2026-03-14T23:30:00Z');
  const w = keyWindow(start, end)!;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');
  assert.deepEqual(partitionPredicates({ start, end, accounts: ['111122223333'], regions: ['eu-west-1', 'eu-west-2'] }), [
    `day >= '${day(w.firstDay)}'`,
    `day <= '${day(w.lastDay)}'`,
    "account = '111122223333'",
    "region IN ('eu-west-1', 'eu-west-2')",
  ]);
  assert.equal(day(w.firstDay), '2026/03/13', 'an hour before the start crosses midnight');
  assert.equal(day(w.lastDay), '2026/03/15', 'a day after the end');
  // Global-service events carry us-east-1 but lie in the home region's folder: every region stays.
  assert.deepEqual(partitionPredicates({ regions: ['eu-west-1', 'us-east-1'] }), []);
});

test('every flag either narrows or says it does not', () => {
  const flags = flagPredicates({ eventNames: ['A'], match: ['x'], errors: false, users: ['u'], resources: ['"/"'] });
  assert.deepEqual(
    flags.filter((f) => f.predicate === undefined).map((f) => f.flag),
    ['--no-errors', '--resource', '--match'],
  );
});

test('the query selects path and eventid first, from the quoted table', () => {
  const sql = candidateSql({ table: { database: 'ctrail', table: 'cloudtrail' }, scope: {}, where: ["eventname = 'X'"], columns: ['eventtime'] });
  assert.equal(sql, `SELECT "$path" AS path, eventid, eventtime\nFROM "ctrail"."cloudtrail"\nWHERE eventname = 'X'`);
});

test('every column the SQL reads is one that athena setup declares', () => {
  const has = (path: string): boolean => {
    const [head, ...rest] = path.split('.');
    let t: HiveType | undefined = CLOUDTRAIL_COLUMNS.find(([n]) => n === head)?.[1];
    for (const part of rest) t = t && typeof t === 'object' && 'struct' in t ? t.struct.find(([n]) => n === part)?.[1] : undefined;
    return t !== undefined || Object.values(PARTITION_COLUMNS).includes(path as never) || path === '"$path"';
  };
  for (const [name, column] of Object.entries(COL)) assert.ok(has(column), `${name}: ${column}`);
});
