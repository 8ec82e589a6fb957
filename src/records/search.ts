import { isAscii } from 'node:buffer';
import type { LiteralTest, NeedleGroups, RecordMatcher } from './matcher.js';
import { topLevelLiteral, topLevelObject } from './literal.js';
import { ByteNeedle, NEEDLE_SET_MIN, NeedleSet } from './needle.js';
import { RecordSplitter } from './split.js';
import { unwrapRecord, type RecordKind } from '../cloudtrail/envelope.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';

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

/** One group of needles: whether some needle of it occurs in the bytes. */
export interface NeedleGroup {
  in(hay: Buffer): boolean;
}

/** A small group, searched one needle after another. */
class NeedleList implements NeedleGroup {
  constructor(readonly needles: ByteNeedle[]) {}

  in(hay: Buffer): boolean {
    for (const needle of this.needles) if (needle.in(hay)) return true;
    return false;
  }
}

/** Needle groups: a record passes when every group has at least one of its needles in it. */
export type CompiledNeedleGroups = NeedleGroup[];

export interface CompiledNeedles {
  /** The matcher's literal tests, keys quoted as they appear in JSON. */
  literals: Array<{ key: Buffer; accepts: readonly string[] }>;
  plain: CompiledNeedleGroups;
  /** The same needles as they appear inside a JSON string (lookup-events embeds each event as a string). */
  escaped: CompiledNeedleGroups;
  /** Per group searched as a list: each needle without its quotes when both spellings contain that text unchanged (else undefined). */
  core: Array<Array<ByteNeedle | undefined>>;
  /** What surrounds the core in each spelling: [before, after] for plain, then for escaped. */
  around: Array<Array<Spelling | undefined>>;
}

interface Spelling {
  plain: [Buffer, Buffer];
  escaped: [Buffer, Buffer];
}

function coreText(needle: string): string | undefined {
  const inner = needle.replace(/^"/, '').replace(/"$/, '');
  // JSON escapes only quotes, backslashes and control characters; without them the text is spelled the same.
  return inner.length >= 4 && !/["\\\u0000-\u001f]/.test(inner) && inner !== needle ? inner : undefined;
}

/** A group as a NeedleSet when it is large and the set searches far fewer prefixes than it has needles. */
function groupOf(needles: readonly string[]): NeedleGroup {
  if (needles.length > NEEDLE_SET_MIN) {
    const set = new NeedleSet(needles);
    if (set.passes * 2 <= needles.length) return set;
  }
  return new NeedleList(needles.map((n) => new ByteNeedle(n)));
}

export function compileNeedles(groups: NeedleGroups, literals: readonly LiteralTest[] = []): CompiledNeedles {
  const plain = groups.map(groupOf);
  const listed = (g: number) => plain[g] instanceof NeedleList;
  return {
    literals: literals.map((t) => ({ key: Buffer.from(JSON.stringify(t.key)), accepts: t.accepts })),
    plain,
    escaped: groups.map((g, i) => (plain[i] instanceof NeedleSet ? new NeedleSet(g.map(escapedSpelling)) : new NeedleList(g.map((n) => new ByteNeedle(escapedSpelling(n)))))),
    core: groups.map((g, i) =>
      listed(i)
        ? g.map((n) => {
            const inner = coreText(n);
            return inner === undefined ? undefined : new ByteNeedle(inner);
          })
        : [],
    ),
    around: groups.map((g, i) =>
      listed(i)
        ? g.map((n) => {
            const inner = coreText(n);
            if (inner === undefined) return undefined;
            const before = n.startsWith('"') ? '"' : '';
            const after = n.endsWith('"') ? '"' : '';
            const escape = (t: string) => t.replace(/"/g, '\\"');
            return {
              plain: [Buffer.from(before), Buffer.from(after)],
              escaped: [Buffer.from(escape(before)), Buffer.from(escape(after))],
            };
          })
        : [],
    ),
  };
}

function escapedSpelling(needle: string): string {
  return JSON.stringify(needle).slice(1, -1);
}

const compiled = new WeakMap<RecordMatcher, CompiledNeedles>();

/** A matcher's needles, compiled once (a needle learns its input's byte frequencies as it goes). */
export function needlesOf(matcher: RecordMatcher): CompiledNeedles {
  let n = compiled.get(matcher);
  if (!n) compiled.set(matcher, (n = compileNeedles(matcher.needles, matcher.literals)));
  return n;
}

/** The record-level pre-filter: whether `record` can match, judged on its bytes. */
export function passesNeedles(record: Buffer, groups: CompiledNeedleGroups): boolean {
  for (const group of groups) if (!group.in(record)) return false;
  return true;
}

/**
 * Whether a whole input can hold a record that passes the pre-filter: every group has a needle somewhere
 * in it, spelled plainly or as inside a JSON string. Searching the whole buffer once (memchr speed) lets
 * an input without any candidate skip splitting and parsing altogether.
 */
export function mayContainCandidates(whole: Buffer, needles: CompiledNeedles): boolean {
  for (let g = 0; g < needles.plain.length; g++) {
    const group = needles.plain[g]!;
    if (!(group instanceof NeedleList)) {
      // The escaped spelling only counts in lookup-events output, whose entries carry a CloudTrailEvent string.
      if (!group.in(whole) && !(LOOKUP_KEY.in(whole) && needles.escaped[g]!.in(whole))) return false;
      continue;
    }
    let hit = false;
    const plain = group.needles;
    const escaped = (needles.escaped[g] as NeedleList).needles;
    for (let i = 0; i < plain.length && !hit; i++) {
      const core = needles.core[g]![i];
      const around = needles.around[g]![i];
      if (core && around) {
        hit = coreSpelledAsNeedle(whole, core, around);
        continue;
      }
      // The escaped spelling only counts in lookup-events output, whose entries carry a CloudTrailEvent string.
      hit = plain[i]!.in(whole) || (LOOKUP_KEY.in(whole) && escaped[i]!.in(whole));
    }
    if (!hit) return false;
  }
  return true;
}

/**
 * Both spellings of a needle contain its core (its text inside the quotes), so one pass for the core finds
 * every place either can be, and the quotes around each place are checked there: the input is searched
 * once, not once per spelling, which matters when the core is common (`dynamodb:DeleteTable` in policies)
 * and the quoted needle is not.
 */
function coreSpelledAsNeedle(whole: Buffer, core: ByteNeedle, around: Spelling): boolean {
  const length = core.bytes.length;
  let escapedSeen = false;
  for (let at = core.indexIn(whole); at >= 0; at = core.indexIn(whole, at + 1)) {
    if (surrounded(whole, at, length, around.plain)) return true;
    escapedSeen ||= surrounded(whole, at, length, around.escaped);
  }
  // The escaped spelling only counts in lookup-events output, whose entries carry a CloudTrailEvent string.
  return escapedSeen && LOOKUP_KEY.in(whole);
}

function surrounded(whole: Buffer, at: number, length: number, [before, after]: [Buffer, Buffer]): boolean {
  const start = at - before.length;
  const end = at + length;
  if (start < 0 || end + after.length > whole.length) return false;
  for (let k = 0; k < before.length; k++) if (whole[start + k] !== before[k]) return false;
  for (let k = 0; k < after.length; k++) if (whole[end + k] !== after[k]) return false;
  return true;
}

const LOOKUP_KEY = new ByteNeedle('CloudTrailEvent');

/** First and last non-space bytes look like a JSON container or object stream. */
export function looksLikeJson(buf: Buffer): boolean {
  let i = 0;
  while (i < buf.length && isSpaceByte(buf[i]!)) i++;
  let j = buf.length - 1;
  while (j > i && isSpaceByte(buf[j]!)) j--;
  if (i >= j) return false;
  const first = buf[i]!;
  const last = buf[j]!;
  return (first === 0x7b || first === 0x5b) && (last === 0x7d || last === 0x5d);
}

function isSpaceByte(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
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
/** The key of an EventBridge envelope that holds the CloudTrail event. */
const DETAIL_KEY = Buffer.from('"detail"');

export async function* searchRecords(
  bytes: AsyncIterable<Buffer>,
  matcher: RecordMatcher,
  stats: SearchStats,
): AsyncGenerator<RecordHit[]> {
  const splitter = new RecordSplitter();
  const needles = needlesOf(matcher);
  let kind: RecordKind | undefined;
  let groups = needles.plain;
  const literals = needles.literals;
  for await (const chunk of bytes) {
    stats.bytes += chunk.length;
    const records = splitter.push(chunk);
    for (const reason of splitter.takeSkipped()) bump(stats, `record ${reason}`);
    if (records.length === 0) continue;
    const hits: RecordHit[] = [];
    for (const record of records) {
      stats.records++;
      // The first record is always parsed: its kind decides how the needles are spelled for the rest.
      if (kind !== undefined && groups.length && !passesNeedles(record, groups)) continue;
      // Only a record that is the event itself has the event's fields at its top level.
      if (kind === 'event' && literals.length && failsLiterals(record, literals)) continue;
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
        if (groups.length && !passesNeedles(record, groups)) continue;
      }
      if (!matcher.matches(un.event)) continue;
      stats.matched++;
      const hit: RecordHit = { event: un.event };
      // The event's bytes as AWS wrote them, whatever container carried it (printed as they are).
      const raw = un.kind === 'event' ? record : un.kind === 'lookup' ? Buffer.from((value as { CloudTrailEvent: string }).CloudTrailEvent) : topLevelObject(record, DETAIL_KEY);
      if (raw && raw.indexOf(NEWLINE) < 0) hit.raw = raw;
      hits.push(hit);
    }
    if (hits.length) yield hits;
  }
  splitter.end();
}

function failsLiterals(record: Buffer, literals: CompiledNeedles['literals']): boolean {
  for (const t of literals) {
    const value = topLevelLiteral(record, t.key);
    if (value !== undefined && !t.accepts.includes(value)) return true;
  }
  return false;
}

function bump(stats: SearchStats, reason: string): void {
  stats.bad.set(reason, (stats.bad.get(reason) ?? 0) + 1);
}
