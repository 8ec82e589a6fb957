/** The searcher's contract with whatever decides whether a record matches (filters, rules, forensics). */

import type { CloudTrailEvent } from '../cloudtrail/event.js';

/**
 * Byte-level pre-filter derived from a matcher. A record's raw bytes can only match if, for every group,
 * at least one of the group's needles occurs in them (an AND of ORs). Needles are searched in the raw
 * JSON text exactly as CloudTrail serialises it, so they must be spelled as they appear there (usually a
 * quoted string value such as `"DeleteTable"`). Being a pre-filter it may let through records that do not
 * match (the exact matcher decides), but it must never reject a record that does.
 */
export type NeedleGroups = ReadonlyArray<ReadonlyArray<string>>;

/**
 * An exact condition on a top-level literal field (`true`, `false`, `null`, a number), which the searcher
 * can test on a record's bytes: a record whose `key` holds a literal not in `accepts` cannot match. Records
 * where the key is absent, nested or not a literal are left to `matches`, which must agree.
 */
export interface LiteralTest {
  readonly key: string;
  readonly accepts: readonly string[];
}

/** Exact test on a parsed event. Implementations are pure and hold no global state (they run in workers). */
export interface RecordMatcher {
  readonly needles: NeedleGroups;
  /** Conditions every match meets, checked on bytes before parsing (AND). */
  readonly literals?: readonly LiteralTest[];
  matches(event: CloudTrailEvent): boolean;
}
