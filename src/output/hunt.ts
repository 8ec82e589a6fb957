import type { SigmaRule } from '../filter/dialects/sigma.js';
import { eventNameOf, eventSourceOf, type CloudTrailEvent } from '../cloudtrail/event.js';
import { principalLabel } from '../cloudtrail/principal.js';
import { serviceOf } from '../cloudtrail/arn.js';
import { neutralize } from './sanitize.js';
import { newTable } from './table.js';

/** A rule's metadata in a hit's NDJSON line; SigmaHQ rules are under the DRL 1.1, which asks for attribution. */
export function ruleInfo(r: SigmaRule): Record<string, unknown> {
  return {
    title: r.title,
    ...(r.id ? { id: r.id } : {}),
    ...(r.level ? { level: r.level } : {}),
    ...(r.status ? { status: r.status } : {}),
    ...(r.author ? { author: r.author } : {}),
    file: r.file,
    ...(r.references.length ? { references: r.references } : {}),
    license: 'DRL-1.1',
  };
}

const HEAD = ['time', 'level', 'rule', 'rule id', 'author', 'event', 'principal', 'source IP'];
/** Rows are rendered in pages so a long hunt starts printing early and memory stays bounded. */
const PAGE = 500;

/** The terminal form of `ctrail hunt`: one row per rule hit, printed a page at a time. */
export class HuntTable {
  private rows: string[][] = [];
  constructor(private readonly color: boolean) {}

  /** Returns a page of text when one is full. */
  add(rule: SigmaRule, e: CloudTrailEvent): string | undefined {
    this.rows.push(
      [e.eventTime, rule.level ?? '-', rule.title, rule.id ?? '-', rule.author ?? '-', `${serviceOf(eventSourceOf(e))}:${eventNameOf(e)}`, principalLabel(e), e.sourceIPAddress ?? ''].map(neutralize),
    );
    return this.rows.length >= PAGE ? this.flush() : undefined;
  }

  flush(): string | undefined {
    if (!this.rows.length) return undefined;
    const table = newTable(HEAD, this.color);
    table.push(...this.rows);
    this.rows = [];
    return table.toString() + '\n';
  }
}
