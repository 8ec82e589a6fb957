import type { CloudWatchLogsClient, FilterLogEventsCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigError, UsageError, describeError } from '../errors.js';
import type { InputUnit, ScanScope, Source, UnitOrProblem } from './types.js';
import { asConfigErrorIfFatal, regionFromOptions, type AwsOptions } from './aws.js';
import { ORG_ID } from '../cloudtrail/layout.js';
import { parseArn } from '../cloudtrail/arn.js';
import {
  defaultRetryPolicy,
  ApiTally,
  pacedCall,
  sharedLimiters,
  type LimiterRegistry,
  type ProgressListener,
  type RateLimiter,
  type RetryPolicy,
} from './api-pacing.js';
import { ndjsonLine } from './history.js';
import { alternativesOf, type Pushdown, type QueryHints } from './query-hints.js';
import { requireKnownRegion } from './regions.js';

/** CloudWatch Logs' documented FilterLogEvents quota: 5 requests per second per account and region. */
export const FILTER_LOG_EVENTS_RATE = 5;
/** CloudWatch Logs refuses longer filter patterns. */
const FILTER_PATTERN_MAX = 1024;

/**
 * `logs:GROUP`, `logs:GROUP:STREAM-PREFIX`, or a log-group ARN
 * (`logs:arn:aws:logs:REGION:ACCOUNT:log-group:GROUP[:*]`, optionally `...:log-stream:STREAM-PREFIX`).
 * Log group and stream names cannot contain `:`, so the colon separates them unambiguously. The region is
 * the ARN's, or else `--region` (the first one), or the configured region.
 */
export interface LogsTarget {
  group: string;
  region: string;
  streamPrefix?: string;
  /** `logs:GROUP`, as results and messages name the source. */
  label: string;
}

const GROUP_NAME = /^[A-Za-z0-9._\-/#]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

export function parseLogsArg(arg: string, aws: AwsOptions = {}): LogsTarget {
  if (!arg.startsWith('logs:')) throw new UsageError(`${arg}: not a CloudWatch Logs source (expected logs:LOG_GROUP[:STREAM_PREFIX])`);
  const rest = arg.slice('logs:'.length);
  let group: string;
  let streamPrefix: string | undefined;
  let region: string;
  if (rest.startsWith('arn:')) {
    const a = parseArn(rest);
    const ok = a && /^aws[a-z-]*$/.test(a.partition) && a.service === 'logs' && /^[a-z0-9-]+$/.test(a.region) && /^(?:\d{12})?$/.test(a.account);
    const m = ok ? /^log-group:([^:]+)(?::\*|:log-stream:([^:]*))?$/.exec(a.resource) : null;
    if (!a || !m) throw new UsageError(`${arg}: not a log-group ARN (expected arn:aws:logs:REGION:ACCOUNT:log-group:NAME)`);
    region = a.region;
    group = m[1]!;
    streamPrefix = m[2] || undefined;
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) throw new UsageError(`${arg}: too many ':' (expected logs:LOG_GROUP[:STREAM_PREFIX])`);
    group = parts[0]!;
    streamPrefix = parts[1] || undefined;
    region = regionFromOptions(aws);
  }
  if (!GROUP_NAME.test(group)) throw new UsageError(`${arg}: ${JSON.stringify(group)} is not a log group name`);
  if (streamPrefix !== undefined && !STREAM_NAME.test(streamPrefix)) {
    throw new UsageError(`${arg}: ${JSON.stringify(streamPrefix)} is not a log stream prefix`);
  }
  requireKnownRegion(region, arg);
  return { group, region, ...(streamPrefix ? { streamPrefix } : {}), label: `logs:${group}` };
}

/** `ACCOUNT_CloudTrail_REGION[_N]`, with `o-ORGID_` in front for organization trails. */
const CLOUDTRAIL_STREAM = new RegExp(`^(?:${ORG_ID}_)?(\\d{12})_CloudTrail_([a-z]{2}(?:-[a-z]+)+-\\d+)(?:_\\d+)?$`);

export function parseCloudTrailStreamName(name: string): { account: string; region: string } | undefined {
  const m = CLOUDTRAIL_STREAM.exec(name);
  return m ? { account: m[1]!, region: m[2]! } : undefined;
}

/**
 * Which streams can hold events in scope. A stream that CloudTrail named for another account or region is
 * left out; a stream named any other way is always read (its events are filtered locally like all others).
 */
export function selectStreams(names: readonly string[], scope: ScanScope, streamPrefix?: string): string[] {
  return names.filter((name) => {
    if (streamPrefix && !name.startsWith(streamPrefix)) return false;
    const parsed = parseCloudTrailStreamName(name);
    if (!parsed) return true;
    if (scope.accounts?.length && !scope.accounts.includes(parsed.account)) return false;
    if (scope.regions?.length && !scope.regions.includes(parsed.region)) return false;
    return true;
  });
}

/** Prefix to narrow DescribeLogStreams on the server (the selection above still decides). */
function listingPrefix(scope: ScanScope, streamPrefix?: string): string | undefined {
  if (streamPrefix) return streamPrefix;
  if (scope.accounts?.length === 1) {
    const account = scope.accounts[0]!;
    return scope.regions?.length === 1 ? `${account}_CloudTrail_${scope.regions[0]}` : `${account}_CloudTrail_`;
  }
  return undefined;
}

/**
 * The filters CloudWatch Logs can apply with exactly ctrail's meaning: JSON equality on literal values.
 * Terms from one field OR together; fields AND together. User names and resource names are not
 * translated: ctrail's meaning of them is not a single JSON field. When the pattern would be too long the
 * least selective fields are dropped (the server then returns more, never less).
 */
export function logsFilterPattern(pushdown: Pushdown): string | undefined {
  const alternatives = alternativesOf(pushdown);
  if (alternatives.length === 1) return patternFor(alternatives[0]!, FILTER_PATTERN_MAX);
  // A union: every alternative needs a pattern of its own, or the server must send everything.
  const parts = alternatives.map((h) => patternFor(h, FILTER_PATTERN_MAX));
  if (parts.some((p) => p === undefined)) return undefined;
  const pattern = `{ ${parts.map((p) => `(${p!.slice(2, -2)})`).join(' || ')} }`;
  return pattern.length <= FILTER_PATTERN_MAX ? pattern : undefined;
}

function patternFor(hints: QueryHints, max: number): string | undefined {
  const groups: string[] = [];
  const field = (path: string, values: readonly string[] | undefined, literal: RegExp) => {
    if (!values?.length || !values.every((v) => literal.test(v))) return;
    const terms = [...new Set(values)].map((v) => `$.${path} = "${v}"`);
    groups.push(terms.length === 1 ? terms[0]! : `(${terms.join(' || ')})`);
  };
  field('eventID', hints.eventIds, /^[A-Za-z0-9-]+$/);
  field('userIdentity.accessKeyId', hints.accessKeyIds, /^[A-Z0-9]+$/);
  field('eventName', hints.eventNames, /^[A-Za-z0-9]+$/);
  field('eventSource', hints.eventSources, /^[a-z0-9.-]+$/);
  if (hints.readOnly !== undefined) groups.push(`$.readOnly IS ${hints.readOnly ? 'TRUE' : 'FALSE'}`);
  while (groups.length > 0) {
    const pattern = `{ ${groups.join(' && ')} }`;
    if (pattern.length <= max) return pattern;
    groups.pop();
  }
  return undefined;
}

export interface CloudWatchLogsSourceOptions {
  target: LogsTarget;
  aws?: AwsOptions;
  /** Used when the scan scope carries no hints of its own. */
  hints?: QueryHints;
  onProgress?: ProgressListener;
  limiters?: LimiterRegistry;
  requestsPerSecond?: number;
  retryPolicy?: RetryPolicy;
  clientFor?: (region: string) => CloudWatchLogsClient;
}

interface StreamInfo {
  name: string;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
}

/**
 * A CloudWatch Logs log group that a trail delivers to, as a source: one unit per stream, named
 * `logs:GROUP/STREAM`, whose bytes are NDJSON, one log event message (one CloudTrail event) per line.
 * Messages that are not CloudTrail events go through as they are; the decode stage counts and reports them.
 */
export class CloudWatchLogsSource implements Source {
  readonly label: string;
  private readonly opts: CloudWatchLogsSourceOptions;

  constructor(opts: CloudWatchLogsSourceOptions) {
    this.opts = opts;
    this.label = opts.target.label;
  }

  private limiter(): RateLimiter {
    const creds = this.opts.aws?.profile ?? '';
    return (this.opts.limiters ?? sharedLimiters).get(
      `logs|${creds}|${this.opts.target.region}`,
      this.opts.requestsPerSecond ?? FILTER_LOG_EVENTS_RATE,
    );
  }

  /** A client per listing or stream read, destroyed when it is done, so no socket outlives the scan. */
  private async withClient<T>(use: (client: CloudWatchLogsClient) => Promise<T>): Promise<T> {
    const injected = this.opts.clientFor?.(this.opts.target.region);
    const client = injected ?? (await newLogsClient(this.opts.aws ?? {}, this.opts.target.region));
    try {
      return await use(client);
    } finally {
      if (!injected) client.destroy();
    }
  }

  private paced<T>(call: () => Promise<T>, signal?: AbortSignal, onThrottled?: () => void): Promise<T> {
    return pacedCall(this.limiter(), call, {
      policy: this.opts.retryPolicy ?? defaultRetryPolicy,
      signal,
      hooks: { onThrottled: () => onThrottled?.() },
    });
  }

  /** Lists the group's streams. An unknown group is a ConfigError (exit 2) before anything is read. */
  async listStreams(scope: ScanScope, signal?: AbortSignal): Promise<StreamInfo[]> {
    const { group, streamPrefix } = this.opts.target;
    const prefix = listingPrefix(scope, streamPrefix);
    const out: StreamInfo[] = [];
    let nextToken: string | undefined;
    const { DescribeLogStreamsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    await this.withClient(async (client) => {
      do {
        const page = await this.paced(
          () =>
            client.send(
              new DescribeLogStreamsCommand({
                logGroupName: group,
                ...(prefix ? { logStreamNamePrefix: prefix } : {}),
                ...(nextToken ? { nextToken } : {}),
              }),
              { abortSignal: signal },
            ),
          signal,
        );
        for (const s of page.logStreams ?? []) {
          if (s.logStreamName) out.push({ name: s.logStreamName, firstEventTimestamp: s.firstEventTimestamp, lastEventTimestamp: s.lastEventTimestamp });
        }
        nextToken = page.nextToken || undefined;
      } while (nextToken);
    });
    const chosen = new Set(selectStreams(out.map((s) => s.name), scope, streamPrefix));
    return out.filter((s) => chosen.has(s.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async *units(scope: ScanScope, signal?: AbortSignal): AsyncIterable<UnitOrProblem> {
    let streams: StreamInfo[];
    try {
      streams = await this.listStreams(scope, signal);
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'ResourceNotFoundException') {
        throw new ConfigError(`${this.label}: no such log group in ${this.opts.target.region} (the region comes from a log-group ARN, or else the first --region)`);
      }
      const fatal = asConfigErrorIfFatal(err, this.label);
      if (fatal) throw fatal;
      yield { problem: { source: this.label, problem: describeLogsError(err) } };
      return;
    }
    for (const stream of streams) yield { unit: this.streamUnit(stream, scope) };
  }

  private streamUnit(stream: StreamInfo, scope: ScanScope): InputUnit {
    const name = `${this.label}/${stream.name}`;
    const encoder = new TextEncoder();
    const filterPattern = logsFilterPattern(scope.hints ?? this.opts.hints ?? {});
    const start = scope.start?.getTime();
    const end = scope.end?.getTime();
    const spanStart = start ?? stream.firstEventTimestamp;
    const spanEnd = end ?? stream.lastEventTimestamp ?? Date.now();
    const source = this;
    return {
      name,
      sortKey: name,
      async *open(signal?: AbortSignal) {
        let nextToken: string | undefined;
        const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
        const injected = source.opts.clientFor?.(source.opts.target.region);
        const client = injected ?? (await newLogsClient(source.opts.aws ?? {}, source.opts.target.region));
        const tally = new ApiTally(name, source.limiter(), source.opts.onProgress);
        try {
          do {
            const input: FilterLogEventsCommandInput = {
              logGroupName: source.opts.target.group,
              logStreamNames: [stream.name],
              ...(start !== undefined ? { startTime: start } : {}),
              ...(end !== undefined ? { endTime: end } : {}),
              ...(filterPattern ? { filterPattern } : {}),
              ...(nextToken ? { nextToken } : {}),
            };
            const page = await source.paced(
              () => {
                tally.requests += 1;
                return client.send(new FilterLogEventsCommand(input), { abortSignal: signal });
              },
              signal,
              () => (tally.throttled += 1),
            );
            tally.pages += 1;
            let text = '';
            let latest: number | undefined;
            for (const ev of page.events ?? []) {
              if (ev.timestamp !== undefined) latest = Math.max(latest ?? -Infinity, ev.timestamp);
              if (ev.message === undefined) continue;
              text += logMessageLine(ev.message);
              tally.events += 1;
            }
            nextToken = page.nextToken || undefined;
            const fraction =
              nextToken && latest !== undefined && spanStart !== undefined && spanEnd > spanStart
                ? Math.min(1, Math.max(0, (latest - spanStart) / (spanEnd - spanStart)))
                : nextToken
                  ? undefined
                  : 1;
            tally.report(fraction, !nextToken);
            if (text) yield encoder.encode(text);
          } while (nextToken);
        } finally {
          if (!injected) client.destroy();
        }
      },
    };
  }
}

/** The SDK loads on first use: runs over local files never pay for it. */
async function newLogsClient(aws: AwsOptions, region: string): Promise<CloudWatchLogsClient> {
  const { createCloudWatchLogsClient } = await import('./aws-clients.js');
  return createCloudWatchLogsClient(aws, region, { maxAttempts: 1 });
}

/**
 * A log event's message as one NDJSON line. A message that is not a JSON object (another program writing
 * to the group, a truncated event) is wrapped in one, `{"cloudWatchLogsMessage": "..."}`, so the record
 * stage counts and reports it as a record that is not a CloudTrail event, and the lines after it are read.
 */
export function logMessageLine(message: string): string {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    value = undefined;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return ndjsonLine(message);
  return JSON.stringify({ cloudWatchLogsMessage: message }) + '\n';
}

export function describeLogsError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'AccessDeniedException' || err.name === 'AccessDenied') return `access denied (${err.name})`;
    if (err.name === 'ThrottlingException') return 'still throttled after repeated back-off; try again later or narrow the filters';
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403) return `access denied (${err.name})`;
  }
  return describeError(err);
}
