import type { SigmaRule } from '../filter/dialects/sigma.js';
import { eventNameOf, eventSourceOf, type CloudTrailEvent } from '../cloudtrail/event.js';
import { principalLabel } from '../cloudtrail/principal.js';
import { serviceOf } from '../cloudtrail/arn.js';
import { neutralize } from './sanitize.js';
import { FittedTable, type FitColumn, type FitOptions } from './fit.js';
import { timesketchLine, type FlatValue } from './timesketch.js';

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

/** A hit as a Timesketch line: the rule leads the message, and its metadata rides along as `sigma.*`. */
export function huntTimelineLine(rule: SigmaRule, e: CloudTrailEvent, source: string): string | undefined {
  const extra: Record<string, FlatValue> = { 'sigma.title': rule.title, 'sigma.license': 'DRL-1.1', 'sigma.file': rule.file, 'ctrail.source': source };
  if (rule.level) extra['sigma.level'] = rule.level;
  if (rule.id) extra['sigma.id'] = rule.id;
  if (rule.author) extra['sigma.author'] = rule.author;
  return timesketchLine(e, { messagePrefix: `[${rule.level ?? '-'}] ${rule.title}: `, extra });
}

/** Sigma's levels, most severe first; a rule without one (or with another word) sorts last. */
export const SIGMA_LEVELS = ['critical', 'high', 'medium', 'low', 'informational'] as const;

export function levelRank(level: string | undefined): number {
  const i = SIGMA_LEVELS.indexOf((level ?? '').toLowerCase() as (typeof SIGMA_LEVELS)[number]);
  return i < 0 ? SIGMA_LEVELS.length : i;
}

const HIT_COLUMNS: FitColumn[] = [
  { header: 'time', priority: 1, min: 20 },
  { header: 'level', priority: 2, min: 8 },
  { header: 'rule', priority: 3, min: 16 },
  { header: 'rule id', priority: 8, min: 36 },
  { header: 'author', priority: 9, min: 10 },
  { header: 'event', priority: 5, min: 14 },
  { header: 'principal', priority: 4, min: 16 },
  { header: 'source IP', priority: 6, min: 15 },
];

const SUMMARY_COLUMNS: FitColumn[] = [
  { header: 'level', priority: 1, min: 8 },
  { header: 'hits', priority: 2, min: 4 },
  { header: 'rule', priority: 3, min: 30 },
  { header: 'rule id', priority: 4, min: 36 },
];

/** Rows are rendered in pages so a long table starts printing early. */
const PAGE = 500;
/**
 * The summary must come first, so the hits wait for the end of the scan; a terminal cannot show more than
 * this many usefully, and memory stays bounded. The rest are counted in the summary; -o ndjson lists all.
 */
export const HUNT_TABLE_LIMIT = 20_000;

interface RuleCount {
  rule: SigmaRule;
  hits: number;
  order: number;
}

/**
 * The terminal form of `ctrail hunt`: first a summary by rule, the most severe level first (so one critical
 * hit is not buried under many low ones), then one row per hit in the order found.
 */
export class HuntTable {
  private rows: string[][] = [];
  private more = 0;
  private readonly byRule = new Map<SigmaRule, RuleCount>();
  private readonly summary: FittedTable;
  private readonly hits: FittedTable;
  constructor(
    color: boolean,
    fit: FitOptions,
    private readonly limit = HUNT_TABLE_LIMIT,
  ) {
    this.summary = new FittedTable(SUMMARY_COLUMNS, fit, color);
    this.hits = new FittedTable(HIT_COLUMNS, fit, color);
  }

  add(rule: SigmaRule, e: CloudTrailEvent): void {
    const count = this.byRule.get(rule) ?? { rule, hits: 0, order: this.byRule.size };
    count.hits++;
    this.byRule.set(rule, count);
    if (this.rows.length >= this.limit) {
      this.more++;
      return;
    }
    this.rows.push(
      [e.eventTime, rule.level ?? '-', rule.title, rule.id ?? '-', rule.author ?? '-', `${serviceOf(eventSourceOf(e))}:${eventNameOf(e)}`, principalLabel(e), e.sourceIPAddress ?? ''].map(neutralize),
    );
  }

  /** The summary, then the hits a page at a time; nothing when there were no hits. */
  *pages(): Generator<string> {
    if (this.byRule.size === 0) return;
    const counts = [...this.byRule.values()].sort((a, b) => levelRank(a.rule.level) - levelRank(b.rule.level) || b.hits - a.hits || a.order - b.order);
    const total = counts.reduce((n, c) => n + c.hits, 0);
    yield `${total} hit${total === 1 ? '' : 's'} from ${counts.length} rule${counts.length === 1 ? '' : 's'}, most severe first:\n`;
    yield this.summary.render(counts.map((c) => [c.rule.level ?? '-', String(c.hits), c.rule.title, c.rule.id ?? '-'].map(neutralize)));
    yield '\n';
    for (let i = 0; i < this.rows.length; i += PAGE) yield this.hits.render(this.rows.slice(i, i + PAGE));
    if (this.more) yield `… and ${this.more} more hit${this.more === 1 ? '' : 's'}, counted above (-o ndjson lists all)\n`;
    this.rows = [];
  }

  /** One line for stderr when either table left something out. */
  note(): string | undefined {
    const a = this.summary.note();
    const b = this.hits.note();
    if (!a && !b) return undefined;
    return b ?? a;
  }
}
