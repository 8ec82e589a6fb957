/**
 * Insights-style anomaly detection on history, modelled on CloudTrail Insights.
 *
 * Two insight types, as in CloudTrail:
 *  - ApiCallRateInsight: write management calls (`readOnly: false`), per API.
 *  - ApiErrorRateInsight: management calls that returned an error (`errorCode` set), per API.
 * "Per API" means per account, region, eventSource and eventName (CloudTrail evaluates each region of each
 * trail on its own); with `perPrincipal` the calling identity is part of the key too.
 *
 * Method. For each key, events are counted per UTC minute. The baseline is the `baselineMs` immediately
 * before the analysis window: its mean per-minute rate μ and standard deviation σ are taken over every
 * minute of that period (minutes without calls count as 0, so the sources must cover it). A minute of the
 * analysis window is anomalous when its count exceeds both μ + `sigma`·σ and `minPerMinute`. Anomalous
 * minutes separated by at most `mergeGapMinutes` quiet minutes form one insight, which starts at its first
 * anomalous minute and ends after its last. For each insight we report start, end, duration, peak minute,
 * insight average (calls per minute over the insight), baseline average and duration, and the top
 * contributors by userIdentityArn, userAgent and errorCode, with their per-minute averages in the insight
 * and in the baseline, exactly the statistics CloudTrail puts in an Insights event.
 */
import { createHash } from 'node:crypto';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import { MISSING, principalKey } from '../cloudtrail/principal.js';
import { eventTimeMs } from '../cloudtrail/time.js';
import { floorTo, type EventStream } from './time.js';
import { isoTime as iso } from '../cloudtrail/time.js';

export type InsightType = 'ApiCallRateInsight' | 'ApiErrorRateInsight';
export const INSIGHT_TYPES: readonly InsightType[] = ['ApiCallRateInsight', 'ApiErrorRateInsight'];
export type AttributionName = 'userIdentityArn' | 'userAgent' | 'errorCode';
const ATTRIBUTES: readonly AttributionName[] = ['userIdentityArn', 'userAgent', 'errorCode'];

const MINUTE = 60_000;

export interface InsightOptions {
  /** Which insight types to compute; default both. */
  types?: readonly InsightType[];
  /** Analysis window. start defaults to the first event + baselineMs; end to just after the last event. */
  start?: number;
  end?: number;
  /** Length of the baseline period just before `start`. Default 7 days, as CloudTrail uses. */
  baselineMs?: number;
  /** Key by calling principal as well as by API. */
  perPrincipal?: boolean;
  /** Standard deviations above the baseline mean a minute must exceed. Default 3. */
  sigma?: number;
  /** Calls (or errors) per minute a minute must exceed to count as anomalous at all. Default 5. */
  minPerMinute?: number;
  /** Quiet minutes allowed inside one insight. Default 1. */
  mergeGapMinutes?: number;
  /** Contributors listed per attribute. Default 5. */
  topContributors?: number;
}

export const INSIGHT_DEFAULTS = {
  baselineMs: 7 * 86_400_000,
  sigma: 3,
  minPerMinute: 5,
  mergeGapMinutes: 1,
  topContributors: 5,
} as const;

export interface Contribution {
  value: string;
  /** Calls per minute from this value, over the insight (or baseline) duration. */
  average: number;
  count: number;
}

export interface Attribution {
  attribute: AttributionName;
  insight: Contribution[];
  baseline: Contribution[];
}

export interface Insight {
  insightType: InsightType;
  accountId: string;
  region: string;
  eventSource: string;
  eventName: string;
  principal?: string;
  start: number;
  end: number;
  durationMinutes: number;
  peak: { minute: number; count: number };
  insight: { average: number; total: number };
  baseline: { average: number; stddev: number; threshold: number; durationMinutes: number; total: number };
  attributions: Attribution[];
}

export interface InsightReport {
  start: number;
  end: number;
  baselineStart: number;
  insights: Insight[];
  /** Events with no usable eventTime. */
  untimed: number;
  /**
   * Set when the events read are too short for the baseline: no event after a full baseline, or events that
   * cover less than half of it. Then the answer "no insight" means "could not tell", and the CLI says so.
   */
  shortfall?: { coveredMs: number; neededMs: number };
}

interface KeyState {
  type: InsightType;
  accountId: string;
  region: string;
  eventSource: string;
  eventName: string;
  principal?: string;
  baselineMinutes: Map<number, number>;
  baselineContrib: Map<string, number>;
  minutes: Map<number, number>;
  /** Per analysed minute: attribute + value → count. */
  minuteContrib: Map<number, Map<string, number>>;
}

function isManagement(e: CloudTrailEvent): boolean {
  return e.managementEvent !== false && (e.eventCategory === undefined || e.eventCategory === 'Management') && e.eventType !== 'AwsCloudTrailInsight';
}

function typesOf(e: CloudTrailEvent, wanted: readonly InsightType[]): InsightType[] {
  if (!isManagement(e)) return [];
  const out: InsightType[] = [];
  if (wanted.includes('ApiCallRateInsight') && e.readOnly === false) out.push('ApiCallRateInsight');
  if (wanted.includes('ApiErrorRateInsight') && typeof e.errorCode === 'string' && e.errorCode !== '') out.push('ApiErrorRateInsight');
  return out;
}

function attributeValue(e: CloudTrailEvent, a: AttributionName): string {
  if (a === 'userIdentityArn') return principalKey(e);
  if (a === 'userAgent') return typeof e.userAgent === 'string' ? e.userAgent : MISSING;
  // CloudTrail writes the string "null" for calls without an error.
  return typeof e.errorCode === 'string' && e.errorCode !== '' ? e.errorCode : 'null';
}

function bump<K>(m: Map<K, number>, k: K, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/**
 * Runs the detection. Events are buffered only when `start` is not given, because then the window
 * depends on the earliest event.
 */
export async function detectInsights(events: EventStream<CloudTrailEvent>, options: InsightOptions = {}): Promise<InsightReport> {
  const baselineMs = options.baselineMs ?? INSIGHT_DEFAULTS.baselineMs;
  const sigma = options.sigma ?? INSIGHT_DEFAULTS.sigma;
  const minPerMinute = options.minPerMinute ?? INSIGHT_DEFAULTS.minPerMinute;
  const gap = options.mergeGapMinutes ?? INSIGHT_DEFAULTS.mergeGapMinutes;
  const top = options.topContributors ?? INSIGHT_DEFAULTS.topContributors;
  const wanted = options.types ?? INSIGHT_TYPES;
  if (baselineMs < MINUTE || baselineMs % MINUTE !== 0) throw new RangeError('the baseline must be a whole number of minutes');

  // Without an explicit start the window depends on the earliest event, so events are collected first.
  let source: EventStream<CloudTrailEvent> = events;
  let start = options.start;
  let untimed = 0;
  let lastSeen = -Infinity;
  if (start === undefined) {
    const all: CloudTrailEvent[] = [];
    let first = Infinity;
    for await (const e of events) {
      const t = eventTimeMs(e.eventTime);
      if (t !== undefined && typesOf(e, wanted).length > 0) first = Math.min(first, t);
      all.push(e);
    }
    start = Number.isFinite(first) ? floorTo(first, MINUTE) + baselineMs : 0;
    source = all;
  }
  start = floorTo(start, MINUTE);
  const baselineStart = start - baselineMs;
  const keys = new Map<string, KeyState>();
  let firstRead = Infinity;
  let lastRead = -Infinity;

  for await (const e of source) {
    const t = eventTimeMs(e.eventTime);
    if (t === undefined) {
      untimed++;
      continue;
    }
    if (t < baselineStart || (options.end !== undefined && t >= options.end)) continue;
    const types = typesOf(e, wanted);
    if (types.length === 0) continue;
    const minute = floorTo(t, MINUTE);
    firstRead = Math.min(firstRead, minute);
    lastRead = Math.max(lastRead, minute);
    const inBaseline = t < start;
    if (!inBaseline) lastSeen = Math.max(lastSeen, minute);
    const principal = options.perPrincipal ? principalKey(e) : undefined;
    for (const type of types) {
      const accountId = e.recipientAccountId ?? e.userIdentity?.accountId ?? MISSING;
      const id = JSON.stringify([type, accountId, e.awsRegion, e.eventSource, e.eventName, principal ?? null]);
      let k = keys.get(id);
      if (!k) {
        k = {
          type, accountId, region: e.awsRegion ?? MISSING, eventSource: e.eventSource, eventName: e.eventName,
          ...(principal !== undefined ? { principal } : {}),
          baselineMinutes: new Map(), baselineContrib: new Map(), minutes: new Map(), minuteContrib: new Map(),
        };
        keys.set(id, k);
      }
      if (inBaseline) {
        bump(k.baselineMinutes, minute);
        for (const a of ATTRIBUTES) bump(k.baselineContrib, `${a}\u0000${attributeValue(e, a)}`);
      } else {
        bump(k.minutes, minute);
        let c = k.minuteContrib.get(minute);
        if (!c) k.minuteContrib.set(minute, (c = new Map()));
        for (const a of ATTRIBUTES) bump(c, `${a}\u0000${attributeValue(e, a)}`);
      }
    }
  }

  const end = options.end ?? (Number.isFinite(lastSeen) ? lastSeen + MINUTE : start);
  const baselineMinutesCount = baselineMs / MINUTE;
  const insights: Insight[] = [];
  for (const k of keys.values()) {
    let total = 0;
    let squares = 0;
    for (const c of k.baselineMinutes.values()) {
      total += c;
      squares += c * c;
    }
    const mean = total / baselineMinutesCount;
    const stddev = Math.sqrt(Math.max(0, squares / baselineMinutesCount - mean * mean));
    const threshold = Math.max(mean + sigma * stddev, minPerMinute);
    const anomalous = [...k.minutes.entries()].filter(([, c]) => c > threshold).map(([m]) => m).sort((a, b) => a - b);
    const runs: number[][] = [];
    for (const m of anomalous) {
      const run = runs.at(-1);
      if (run && (m - run.at(-1)!) / MINUTE - 1 <= gap) run.push(m);
      else runs.push([m]);
    }
    for (const run of runs) {
      const from = run[0]!;
      const to = run.at(-1)! + MINUTE;
      const durationMinutes = (to - from) / MINUTE;
      let count = 0;
      let peak = { minute: from, count: 0 };
      const contrib = new Map<string, number>();
      for (let m = from; m < to; m += MINUTE) {
        const c = k.minutes.get(m) ?? 0;
        count += c;
        if (c > peak.count) peak = { minute: m, count: c };
        for (const [kv, n] of k.minuteContrib.get(m) ?? []) bump(contrib, kv, n);
      }
      const attributions = ATTRIBUTES.map((attribute): Attribution => {
        const prefix = `${attribute}\u0000`;
        const insightTop = [...contrib.entries()]
          .filter(([kv]) => kv.startsWith(prefix))
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, top)
          .map(([kv, n]) => ({ value: kv.slice(prefix.length), count: n, average: n / durationMinutes }));
        const baseline = insightTop.map(({ value }) => {
          const n = k.baselineContrib.get(prefix + value) ?? 0;
          return { value, count: n, average: n / baselineMinutesCount };
        });
        return { attribute, insight: insightTop, baseline };
      });
      insights.push({
        insightType: k.type,
        accountId: k.accountId,
        region: k.region,
        eventSource: k.eventSource,
        eventName: k.eventName,
        ...(k.principal !== undefined ? { principal: k.principal } : {}),
        start: from,
        end: to,
        durationMinutes,
        peak,
        insight: { average: count / durationMinutes, total: count },
        baseline: { average: mean, stddev, threshold, durationMinutes: baselineMinutesCount, total },
        attributions,
      });
    }
  }
  insights.sort((a, b) => a.start - b.start || b.peak.count - a.peak.count || a.eventName.localeCompare(b.eventName));
  const shortfall = baselineShortfall(firstRead, lastRead, lastSeen, start, baselineMs);
  return { start, end, baselineStart, insights, untimed, ...(shortfall ? { shortfall } : {}) };
}

function baselineShortfall(firstRead: number, lastRead: number, lastAnalysed: number, start: number, baselineMs: number): InsightReport['shortfall'] {
  if (!Number.isFinite(firstRead)) return undefined;
  // Nothing after a full baseline: the events read span less than the baseline itself.
  if (!Number.isFinite(lastAnalysed)) return { coveredMs: lastRead - firstRead + MINUTE, neededMs: baselineMs };
  // The baseline counts the minutes before the first event as quiet: past half of it, the mean is not the trail's.
  const covered = start - firstRead;
  return covered < baselineMs / 2 ? { coveredMs: Math.max(0, covered), neededMs: baselineMs } : undefined;
}

/** A CloudTrail Insights event: eventSource and eventName live only inside insightDetails. */
export type InsightsEvent = Record<string, unknown>;

/** A stable UUID-shaped id, so the same insight gets the same ids on every run. */
function stableId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}


/** The insight as the Start/End pair of CloudTrail Insights events that CloudTrail would have written. */
export function toInsightsEvents(insight: Insight): [InsightsEvent, InsightsEvent] {
  const shared = stableId(insight.insightType, insight.accountId, insight.region, insight.eventSource, insight.eventName, insight.principal ?? '', String(insight.start));
  const statistics = { baseline: { average: insight.baseline.average }, insight: { average: insight.insight.average } };
  const attributions = insight.attributions.map((a) => ({
    attribute: a.attribute,
    insight: a.insight.map(({ value, average }) => ({ value, average })),
    baseline: a.baseline.filter((b) => b.count > 0).map(({ value, average }) => ({ value, average })),
  }));
  const event = (state: 'Start' | 'End', time: number, extra: Record<string, unknown>): InsightsEvent => ({
    eventVersion: '1.08',
    eventTime: iso(time),
    awsRegion: insight.region,
    eventID: stableId(shared, state),
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: insight.accountId,
    sharedEventID: shared,
    insightDetails: {
      state,
      eventSource: insight.eventSource,
      eventName: insight.eventName,
      insightType: insight.insightType,
      insightContext: { statistics: { ...statistics, ...extra }, attributions },
    },
    eventCategory: 'Insight',
  });
  return [
    event('Start', insight.start, {}),
    event('End', insight.end, { insightDuration: insight.durationMinutes, baselineDuration: insight.baseline.durationMinutes }),
  ];
}
