import type { SourcedEvent } from '../cloudtrail/event.js';
import { isoTime } from '../cloudtrail/time.js';
import type { EvidenceNeed, EvidenceReader, Place } from '../forensics/evidence.js';
import { issuingPart } from '../forensics/issuing.js';
import { ISSUING_PUSHDOWN } from '../forensics/pushdown.js';
import type { ScanScope, Source } from '../source/types.js';
import type { ScanPlan } from './scan-plan.js';

interface Span {
  fromMs: number;
  toMs: number;
}

/** Spans closer than this are read as one: a day folder holds both ends anyway. */
const MERGE_GAP_MS = 2 * 86_400_000;
/** More spans than this in one pass are joined across the smallest gaps. */
const MAX_SPANS = 4;

/**
 * The spans, merged where they overlap or nearly do; at most MAX_SPANS, cut at the widest gaps, so one
 * record with an odd time costs a span of its own instead of widening every other.
 */
export function clustered(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.fromMs - b.fromMs);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.fromMs <= last.toMs + MERGE_GAP_MS) last.toMs = Math.max(last.toMs, s.toMs);
    else out.push({ ...s });
  }
  if (out.length <= MAX_SPANS) return out;
  const cuts = new Set(
    out
      .slice(1)
      .map((s, i) => ({ at: i + 1, gap: s.fromMs - out[i]!.toMs }))
      .sort((a, b) => b.gap - a.gap || a.at - b.at)
      .slice(0, MAX_SPANS - 1)
      .map((c) => c.at),
  );
  const joined: Span[] = [];
  out.forEach((s, i) => {
    const last = joined[joined.length - 1];
    if (last && !cuts.has(i)) last.toMs = Math.max(last.toMs, s.toMs);
    else joined.push({ ...s });
  });
  return joined;
}

/** Folders already read: every account or region when the set is absent, over a span of event times. */
interface Read {
  accounts?: ReadonlySet<string>;
  regions?: ReadonlySet<string>;
  fromMs: number;
  toMs: number;
}

/**
 * Reads the evidence an incomplete chain names from the command's own sources, by place: only sources laid
 * out by account and region, each pass a pre-filtered scan (issuing events only) of just the folders named
 * and not yet read. What the main scan read counts as read, so an unscoped run never reads twice.
 */
export class PlaceEvidenceReader implements EvidenceReader {
  private readonly reads: Read[] = [];

  constructor(
    private readonly plan: ScanPlan,
    private readonly sources: readonly Source[],
    main: ScanScope,
  ) {
    this.reads.push({
      ...(main.accounts?.length ? { accounts: new Set(main.accounts) } : {}),
      ...(main.regions?.length ? { regions: new Set(main.regions) } : {}),
      fromMs: main.start?.getTime() ?? -Infinity,
      toMs: main.end?.getTime() ?? Infinity,
    });
  }

  /** The command's sources that can be read by place, or undefined when none can. */
  static over(plan: ScanPlan, main: ScanScope): PlaceEvidenceReader | undefined {
    const sources = plan.sources.filter((s) => s.readsByPlace === true);
    return sources.length ? new PlaceEvidenceReader(plan, sources, main) : undefined;
  }

  read(needs: readonly EvidenceNeed[]): AsyncIterable<SourcedEvent> | undefined {
    const pending = new Map<string, { regions: Set<string>; spans: Span[] }>();
    for (const need of needs) {
      for (const place of need.places) {
        if (this.readFor(place, need)) continue;
        const p = pending.get(place.account) ?? pending.set(place.account, { regions: new Set(), spans: [] }).get(place.account)!;
        p.regions.add(place.region);
        p.spans.push({ fromMs: need.fromMs, toMs: need.toMs });
      }
    }
    if (pending.size === 0) return undefined;
    // Accounts that need the same regions share a scan (one listing of the layout's accounts), and each
    // group reads a few spans of time: however many records named them, a pass makes a bounded number
    // of scans.
    const groups = new Map<string, { accounts: string[]; regions: string[]; spans: Span[] }>();
    for (const [account, p] of [...pending].sort(([a], [b]) => a.localeCompare(b))) {
      const regions = [...p.regions].sort();
      const g = groups.get(regions.join()) ?? groups.set(regions.join(), { accounts: [], regions, spans: [] }).get(regions.join())!;
      g.accounts.push(account);
      g.spans.push(...p.spans);
    }
    const scopes: ScanScope[] = [];
    for (const g of groups.values()) {
      for (const span of clustered(g.spans)) {
        this.reads.push({ accounts: new Set(g.accounts), regions: new Set(g.regions), ...span });
        scopes.push({ accounts: g.accounts, regions: g.regions, start: new Date(span.fromMs), end: new Date(span.toMs), hints: ISSUING_PUSHDOWN });
      }
    }
    return this.scanAll(scopes);
  }

  searched(need: EvidenceNeed): string | undefined {
    const read = need.places.filter((p) => this.readFor(p, need));
    if (read.length === 0) return undefined;
    const byAccount = new Map<string, string[]>();
    for (const p of read) byAccount.set(p.account, [...(byAccount.get(p.account) ?? []), p.region]);
    const folders = [...byAccount].map(([account, regions]) => `account ${account} in ${regions.join(' and ')}`).join(', ');
    const span = need.fromMs === need.toMs ? `at ${isoTime(need.fromMs, 's')}` : `${isoTime(need.fromMs, 's')} to ${isoTime(need.toMs, 's')}`;
    return `read ${folders} (${span}) in ${this.sources.map((s) => s.label).join(', ')} without finding it`;
  }

  private readFor(place: Place, need: EvidenceNeed): Read | undefined {
    return this.reads.find(
      (r) => (!r.accounts || r.accounts.has(place.account)) && (!r.regions || r.regions.has(place.region)) && r.fromMs <= need.fromMs && r.toMs >= need.toMs,
    );
  }

  private async *scanAll(scopes: ScanScope[]): AsyncIterable<SourcedEvent> {
    for (const scope of scopes) {
      const hits = this.plan.scan({ recipe: issuingPart.recipe(), sources: [...this.sources], scope, dedup: false, label: `evidence in account${scope.accounts!.length === 1 ? '' : 's'} ${scope.accounts!.join(', ')} (${scope.regions!.join(', ')})` });
      for await (const hit of hits) yield { event: hit.event, source: hit.source };
    }
  }
}
