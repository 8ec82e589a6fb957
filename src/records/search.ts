import { isAscii } from 'node:buffer';
import type { NeedleGroups, RecordMatcher } from '../filter/matcher.js';
import { RecordSplitter } from './split.js';
import { unwrapRecord, type RecordKind } from './unwrap.js';
import type { CloudTrailEvent } from './types.js';

/**
 * The searcher (ripgrep's term): owns the bytes of one input, finds records, rejects most of them on raw
 * bytes, and parses only candidates. It knows the matcher interface, not what the matcher is.
 */
export interface RecordHit {
  event: CloudTrailEvent;
  /** The event's exact JSON text when the record is the event itself on one line; printed as is. */
  raw?: Buffer;
}

export interface SearchStats {
  bytes: number;
  records: number;
  parsed: number;
  matched: number;
  /** Records that were not valid JSON or not CloudTrail events, by reason. */
  bad: Map<string, number>;
}

export function newStats(): SearchStats {
  return { bytes: 0, records: 0, parsed: 0, matched: 0, bad: new Map() };
}

interface CompiledNeedles {
  plain: Buffer[][];
  /** The same needles as they appear inside a JSON string (lookup-events embeds each event as a string). */
  escaped: Buffer[][];
}

export function compileNeedles(groups: NeedleGroups): CompiledNeedles {
  return {
    plain: groups.map((g) => g.map((n) => Buffer.from(n))),
    escaped: groups.map((g) => g.map((n) => Buffer.from(JSON.stringify(n).slice(1, -1)))),
  };
}

function passes(record: Buffer, groups: Buffer[][]): boolean {
  for (const group of groups) {
    let hit = false;
    for (const needle of group) {
      if (record.indexOf(needle) >= 0) {
        hit = true;
        break;
      }
    }
    if (!hit) return false;
  }
  return true;
}

const NEWLINE = 0x0a;

function recordText(record: Buffer): string {
  // Pure-ASCII records (nearly all CloudTrail) decode several times faster as latin1, with the same result.
  return isAscii(record) ? record.toString('latin1') : record.toString('utf8');
}

/**
 * Splits, pre-filters, parses and matches one input's decoded bytes, yielding the hits of each chunk.
 * Throws SplitError for input that is not JSON or stops mid-record, after yielding what came before.
 */
export async function* searchRecords(
  bytes: AsyncIterable<Buffer>,
  matcher: RecordMatcher,
  stats: SearchStats,
): AsyncGenerator<RecordHit[]> {
  const splitter = new RecordSplitter();
  const needles = compileNeedles(matcher.needles);
  let kind: RecordKind | undefined;
  let groups = needles.plain;
  for await (const chunk of bytes) {
    stats.bytes += chunk.length;
    const records = splitter.push(chunk);
    if (records.length === 0) continue;
    const hits: RecordHit[] = [];
    for (const record of records) {
      stats.records++;
      // The first record is always parsed: its kind decides how the needles are spelled for the rest.
      if (kind !== undefined && groups.length && !passes(record, groups)) continue;
      stats.parsed++;
      let value: unknown;
      try {
        value = JSON.parse(recordText(record));
      } catch {
        bump(stats, 'not valid JSON');
        continue;
      }
      const un = unwrapRecord(value);
      if ('error' in un) {
        bump(stats, un.error);
        continue;
      }
      if (kind === undefined) {
        kind = un.kind;
        groups = kind === 'lookup' ? needles.escaped : needles.plain;
        if (groups.length && !passes(record, groups)) continue;
      }
      if (!matcher.matches(un.event)) continue;
      stats.matched++;
      const hit: RecordHit = { event: un.event };
      if (un.kind === 'event' && record.indexOf(NEWLINE) < 0) hit.raw = record;
      hits.push(hit);
    }
    if (hits.length) yield hits;
  }
  splitter.end();
}

function bump(stats: SearchStats, reason: string): void {
  stats.bad.set(reason, (stats.bad.get(reason) ?? 0) + 1);
}
