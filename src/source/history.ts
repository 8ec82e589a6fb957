import type { CloudTrailClient, LookupAttributeKey, LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { UsageError, describeError } from '../errors.js';
import type { InputUnit, ScanScope, Source, UnitOrProblem } from './types.js';
import { asConfigErrorIfFatal, regionFromOptions, type AwsOptions } from './aws.js';
import {
  RateLimiter,
  defaultRetryPolicy,
  ApiTally,
  pacedCall,
  sharedLimiters,
  type LimiterRegistry,
  type NoticeSink,
  type ProgressListener,
  type RetryPolicy,
} from './api-pacing.js';
import { alternativesOf, literalValues, type Pushdown, type QueryHints } from './query-hints.js';
import { requireKnownRegion } from './regions.js';
import { isoTime } from '../cloudtrail/time.js';

/** CloudTrail's documented LookupEvents quota: 2 requests per second per account and region. */
export const LOOKUP_EVENTS_RATE = 2;
/** LookupEvents returns at most 50 events a page. */
export const LOOKUP_EVENTS_PAGE_SIZE = 50;
/** Event history keeps management events for this long. */
export const HISTORY_RETENTION_DAYS = 90;

/**
 * Which filter becomes the one lookup attribute a LookupEvents call allows, most selective first. The
 * first row whose hint is present (with literal values only) wins; every other filter is applied by ctrail
 * locally. `flag` names the ctrail option that fills the hint, for the documentation.
 */
export const LOOKUP_ATTRIBUTE_CHOICE: ReadonlyArray<{
  attribute: LookupAttributeKey;
  hint: keyof QueryHints;
  /** The ctrail option that fills the hint, or who does when no flag does. */
  filledBy: string;
  why: string;
}> = [
  { attribute: 'EventId', hint: 'eventIds', filledBy: 'commands that look up known events', why: 'names single events' },
  { attribute: 'AccessKeyId', hint: 'accessKeyIds', filledBy: '--access-key (and trace)', why: 'one credential, usually few events' },
  { attribute: 'ResourceName', hint: 'resourceNames', filledBy: 'find-deletion (a resource name or ARN)', why: 'one resource, usually few events' },
  { attribute: 'EventName', hint: 'eventNames', filledBy: '--event-name (exact names; a glob is not pushed down)', why: 'one API action' },
  { attribute: 'Username', hint: 'usernames', filledBy: 'commands that know an exact history user name (not --user)', why: 'one principal, may be busy' },
  { attribute: 'EventSource', hint: 'eventSources', filledBy: '--event-source (exact values)', why: 'a whole service' },
  { attribute: 'ReadOnly', hint: 'readOnly', filledBy: '--read-only / --write-only', why: 'roughly halves the stream' },
];

/** One query series: all pages of one LookupEvents query (one attribute value, one category). */
export interface LookupSeries {
  attribute?: LookupAttributeKey;
  value?: string;
  category: 'management' | 'insight';
}

export interface LookupPlan {
  /** The attribute chosen, or undefined when no filter can be pushed down (one unfiltered series). */
  attribute?: LookupAttributeKey;
  /** The hint that drove the choice. */
  hint?: keyof QueryHints;
  series: LookupSeries[];
}

/** Categories event history can serve, from the scan scope: undefined means management events. */
function historyCategories(scope: ScanScope): Array<'management' | 'insight'> {
  if (!scope.categories) return ['management'];
  const out: Array<'management' | 'insight'> = [];
  if (scope.categories.includes('management')) out.push('management');
  if (scope.categories.includes('insight')) out.push('insight');
  return out;
}

/**
 * Maps filters to LookupEvents queries. A multi-valued filter becomes one series per value; several
 * alternatives (a union) become the series of each, and one alternative that cannot be pushed down makes
 * the whole query a full read. Events found by several series are kept once (by eventID).
 */
export function planLookup(pushdown: Pushdown, scope: ScanScope = {}): LookupPlan {
  const categories = historyCategories(scope);
  const plans = alternativesOf(pushdown).map((hints) => planOne(hints, categories));
  if (plans.length === 1) return plans[0]!;
  if (plans.some((p) => p.attribute === undefined)) return { series: categories.map((category) => ({ category })) };
  const seen = new Set<string>();
  const series = plans
    .flatMap((p) => p.series)
    .filter((s) => {
      const key = `${s.category}|${s.attribute}|${s.value}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const attributes = new Set(plans.map((p) => p.attribute));
  return attributes.size === 1 ? { attribute: plans[0]!.attribute, hint: plans[0]!.hint, series } : { series };
}

function planOne(hints: QueryHints, categories: Array<'management' | 'insight'>): LookupPlan {
  for (const row of LOOKUP_ATTRIBUTE_CHOICE) {
    let values: string[] | undefined;
    if (row.hint === 'readOnly') {
      values = hints.readOnly === undefined ? undefined : [String(hints.readOnly)];
    } else {
      values = literalValues(hints[row.hint]);
    }
    if (!values) continue;
    return {
      attribute: row.attribute,
      hint: row.hint,
      series: categories.flatMap((category) => values.map((value) => ({ attribute: row.attribute, value, category }))),
    };
  }
  return { series: categories.map((category) => ({ category })) };
}

/**
 * Well-known data events, by name. Event history never holds them; asking for one deserves a word. The
 * names are unique to data events (S3's `DeleteBucket` is management, `DeleteObject` is data).
 */
export const DATA_EVENT_NAMES: ReadonlyArray<{ eventSource: string; eventName: string }> = [
  { eventSource: 's3.amazonaws.com', eventName: 'GetObject' },
  { eventSource: 's3.amazonaws.com', eventName: 'PutObject' },
  { eventSource: 's3.amazonaws.com', eventName: 'DeleteObject' },
  { eventSource: 's3.amazonaws.com', eventName: 'DeleteObjects' },
  { eventSource: 's3.amazonaws.com', eventName: 'CopyObject' },
  { eventSource: 's3.amazonaws.com', eventName: 'HeadObject' },
  { eventSource: 's3.amazonaws.com', eventName: 'GetObjectAcl' },
  { eventSource: 's3.amazonaws.com', eventName: 'PutObjectAcl' },
  { eventSource: 's3.amazonaws.com', eventName: 'RestoreObject' },
  { eventSource: 's3.amazonaws.com', eventName: 'CreateMultipartUpload' },
  { eventSource: 's3.amazonaws.com', eventName: 'CompleteMultipartUpload' },
  { eventSource: 's3.amazonaws.com', eventName: 'UploadPart' },
  { eventSource: 'lambda.amazonaws.com', eventName: 'Invoke' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'GetItem' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'PutItem' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'UpdateItem' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteItem' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'BatchGetItem' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'BatchWriteItem' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'Query' },
  { eventSource: 'dynamodb.amazonaws.com', eventName: 'Scan' },
];
const dataEventNames = new Set(DATA_EVENT_NAMES.map((d) => d.eventName));

/** Why the filters ask for more than event history holds (empty when they do not). */
export function historyShortfall(pushdown: Pushdown, scope: ScanScope, now: Date = new Date()): string[] {
  const reasons: string[] = [];
  const oldest = new Date(now.getTime() - HISTORY_RETENTION_DAYS * 86_400_000);
  if ((scope.start && scope.start < oldest) || (scope.end && scope.end < oldest)) {
    reasons.push(`keeps ${HISTORY_RETENTION_DAYS} days (nothing before ${isoTime(oldest).slice(0, 10)})`);
  }
  const askedData = [...new Set(alternativesOf(pushdown).flatMap((h) => h.eventNames ?? []))].filter((n) => dataEventNames.has(n));
  if (scope.categories?.includes('data') || askedData.length > 0) {
    const which = askedData.length > 0 ? `: ${askedData.join(', ')}` : '';
    reasons.push(`holds management events only (no data events${which})`);
  }
  return reasons;
}

export interface HistorySourceOptions {
  /** Regions to read, already validated; see `parseHistoryArg`. */
  regions: string[];
  aws?: AwsOptions;
  /** Used when the scan scope carries no hints of its own. */
  hints?: QueryHints;
  notices?: NoticeSink;
  onProgress?: ProgressListener;
  /** For tests and for sharing quota buckets across sources; defaults to the process-wide registry. */
  limiters?: LimiterRegistry;
  requestsPerSecond?: number;
  retryPolicy?: RetryPolicy;
  /** Builds the client for one region; defaults to the SDK's standard chain (AWS_ENDPOINT_URL_CLOUDTRAIL...). */
  clientFor?: (region: string) => CloudTrailClient;
  now?: () => Date;
}

/**
 * Parses the part after `history:`: a comma-separated region list, or nothing (then the `--region` values,
 * or the configured region). Unknown regions are a ConfigError (exit 2) before anything is read.
 */
export function parseHistoryArg(arg: string, fallbackRegions: readonly string[], aws: AwsOptions = {}): string[] {
  if (!arg.startsWith('history:')) throw new UsageError(`${arg}: not an event history source (expected history:REGION[,REGION...])`);
  const rest = arg.slice('history:'.length).trim();
  let regions = rest
    ? rest.split(',').map((r) => r.trim())
    : fallbackRegions.length > 0
      ? [...fallbackRegions]
      : [regionFromOptions(aws)];
  if (regions.some((r) => r === '')) throw new UsageError(`${arg}: empty region in the list`);
  regions = [...new Set(regions)];
  for (const r of regions) requireKnownRegion(r, arg);
  return regions;
}

const encoder = new TextEncoder();

/** One line of NDJSON; pretty-printed JSON is folded onto one line (whitespace outside strings is free). */
export function ndjsonLine(json: string): string {
  return (/[\r\n]/.test(json) ? json.replace(/\r?\n|\r/g, ' ') : json) + '\n';
}

interface RegionRun {
  region: string;
  name: string;
  pages: AsyncIterator<Uint8Array>;
  first: Promise<IteratorResult<Uint8Array>>;
}

/**
 * CloudTrail event history (LookupEvents) as a source: one unit per region, named `history:REGION`,
 * whose bytes are NDJSON, one CloudTrail event per line, newest first. All regions start reading at once
 * (each at its own quota), so a failing region shows up as one problem while the others carry on.
 */
export class HistorySource implements Source {
  readonly label: string;
  private readonly opts: HistorySourceOptions;
  private noticed = false;

  constructor(opts: HistorySourceOptions) {
    if (opts.regions.length === 0) throw new UsageError('history: no region to read');
    this.opts = opts;
    this.label = `history:${opts.regions.join(',')}`;
  }

  async *units(scope: ScanScope, signal?: AbortSignal): AsyncIterable<UnitOrProblem> {
    const hints = scope.hints ?? this.opts.hints ?? {};
    const now = this.opts.now?.() ?? new Date();
    const shortfall = historyShortfall(hints, scope, now);
    if (shortfall.length > 0 && !this.noticed) {
      this.noticed = true;
      this.opts.notices?.notice(`${this.label}: event history ${shortfall.join(' and ')}; read the trail's S3 bucket or log group for the rest`);
    }
    const plan = planLookup(hints, scope);
    if (plan.series.length === 0) return;
    const regions = scope.regions?.length ? this.opts.regions.filter((r) => scope.regions!.includes(r)) : this.opts.regions;
    const runs: RegionRun[] = regions.map((region) => {
      const pages = this.readRegion(region, plan, scope, now, signal)[Symbol.asyncIterator]();
      const first = pages.next();
      // Marks the rejection as handled now; it is inspected below, in order.
      first.catch(() => undefined);
      return { region, name: `history:${region}`, pages, first };
    });
    for (const run of runs) {
      let first: IteratorResult<Uint8Array>;
      try {
        first = await run.first;
      } catch (err) {
        const fatal = asConfigErrorIfFatal(err, run.name);
        if (fatal) {
          await Promise.allSettled(runs.map((r) => r.pages.return?.()));
          throw fatal;
        }
        yield { problem: { source: run.name, problem: describeLookupError(err) } };
        continue;
      }
      yield { unit: regionUnit(run, first) };
    }
  }

  private async *readRegion(
    region: string,
    plan: LookupPlan,
    scope: ScanScope,
    now: Date,
    signal?: AbortSignal,
  ): AsyncGenerator<Uint8Array> {
    const name = `history:${region}`;
    const rate = this.opts.requestsPerSecond ?? LOOKUP_EVENTS_RATE;
    const creds = this.opts.aws?.profile ?? '';
    const limiter: RateLimiter = (this.opts.limiters ?? sharedLimiters).get(`cloudtrail|${creds}|${region}`, rate);
    // The SDK loads on first use: runs over local files never pay for it.
    const { LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
    const client = this.opts.clientFor?.(region) ?? (await import('./aws-clients.js')).createCloudTrailClient(this.opts.aws ?? {}, region, { maxAttempts: 1 });
    const end = scope.end && scope.end < now ? scope.end : now;
    const retentionStart = new Date(now.getTime() - HISTORY_RETENTION_DAYS * 86_400_000);
    const start = scope.start && scope.start > retentionStart ? scope.start : undefined;
    const spanStart = (start ?? retentionStart).getTime();
    const span = Math.max(1, end.getTime() - spanStart);
    const dedupe = plan.series.length > 1;
    const seen = new Set<string>();
    const tally = new ApiTally(name, limiter, this.opts.onProgress);
    try {
      for (const [index, series] of plan.series.entries()) {
        let nextToken: string | undefined;
        do {
          const input: LookupEventsCommandInput = {
            MaxResults: LOOKUP_EVENTS_PAGE_SIZE,
            EndTime: end,
            ...(start ? { StartTime: start } : {}),
            ...(series.attribute ? { LookupAttributes: [{ AttributeKey: series.attribute, AttributeValue: series.value }] } : {}),
            ...(series.category === 'insight' ? { EventCategory: 'insight' as const } : {}),
            ...(nextToken ? { NextToken: nextToken } : {}),
          };
          const out = await pacedCall(
            limiter,
            () => {
              tally.requests += 1;
              return client.send(new LookupEventsCommand(input), { abortSignal: signal });
            },
            { policy: this.opts.retryPolicy ?? defaultRetryPolicy, signal, hooks: { onThrottled: () => (tally.throttled += 1) } },
          );
          tally.pages += 1;
          let text = '';
          let oldest: number | undefined;
          for (const ev of out.Events ?? []) {
            if (ev.EventTime) oldest = Math.min(oldest ?? Infinity, ev.EventTime.getTime());
            if (!ev.CloudTrailEvent) continue;
            const id = ev.EventId;
            // Only several series can return the same event; one series never repeats one.
            if (id && dedupe) {
              if (seen.has(id)) continue;
              seen.add(id);
            }
            text += ndjsonLine(ev.CloudTrailEvent);
            tally.events += 1;
          }
          nextToken = out.NextToken || undefined;
          const within = nextToken && oldest !== undefined ? Math.min(1, Math.max(0, (end.getTime() - oldest) / span)) : 1;
          tally.report((index + within) / plan.series.length, false);
          if (text) yield encoder.encode(text);
        } while (nextToken);
      }
      tally.report(1, true);
    } finally {
      if (!this.opts.clientFor) client.destroy();
    }
  }
}

function regionUnit(run: RegionRun, first: IteratorResult<Uint8Array>): InputUnit {
  let opened = false;
  return {
    name: run.name,
    sortKey: run.name,
    async *open() {
      if (opened) throw new Error(`${run.name}: already read (an API unit can be opened once)`);
      opened = true;
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await run.pages.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };
}

/** One short phrase for a LookupEvents failure in one region. */
export function describeLookupError(err: unknown): string {
  if (err instanceof Error) {
    switch (err.name) {
      case 'AccessDeniedException':
      case 'AccessDenied':
      case 'UnauthorizedOperation':
        return `access denied (${err.name})`;
      case 'OptInRequired':
      case 'UnrecognizedClientException':
        return `region not enabled for this account (${err.name})`;
      case 'ThrottlingException':
        return 'still throttled after repeated back-off; try again later or narrow the filters';
    }
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403) return `access denied (${err.name})`;
  }
  return describeError(err);
}
