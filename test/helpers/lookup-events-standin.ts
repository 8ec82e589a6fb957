import { createHash } from 'node:crypto';
import { dummyAwsEnv } from './aws-env.js';
import { JsonApiError, startJsonApiStandin, type JsonApiRequest } from './json-api-standin.js';

/**
 * CloudTrail's LookupEvents as the real API behaves, for the event history source's tests: one lookup
 * attribute, MaxResults ≤ 50, opaque NextToken bound to its query, StartTime/EndTime in epoch seconds,
 * newest first, EventTime in epoch seconds, ReadOnly as "true"/"false", CloudTrailEvent as a JSON string,
 * management events only (Insights with EventCategory=insight), and 2 requests per second per account and
 * region, beyond which it answers ThrottlingException. The real @aws-sdk/client-cloudtrail talks to it.
 */
/** Insights events keep eventName/eventSource inside insightDetails, as CloudTrail writes them. */
export type CorpusEvent = Record<string, unknown> & { eventID: string; eventTime: string; awsRegion: string; eventName?: string; eventSource?: string };

function nameAndSource(e: CorpusEvent): { name: string; source: string } {
  const d = (e.insightDetails ?? {}) as { eventName?: string; eventSource?: string };
  return { name: e.eventName ?? d.eventName ?? '', source: e.eventSource ?? d.eventSource ?? '' };
}

export interface LookupStandinOptions {
  /** Events of every region; each goes to the region in its `awsRegion`. */
  events: readonly CorpusEvent[];
  requestsPerSecond?: number;
  /** Regions where the caller is refused (AccessDeniedException). */
  denyRegions?: readonly string[];
}

export interface ServedPage {
  region: string;
  /** The NextToken the page was requested with (undefined for a first page). */
  token?: string;
  attribute?: string;
  value?: string;
  eventIds: string[];
}

export interface LookupStandin {
  endpoint: string;
  /** Every request, accepted or refused, in arrival order. */
  calls: JsonApiRequest[];
  /** Pages answered successfully, in order. */
  served: ServedPage[];
  throttled: number;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const ATTRIBUTES = ['EventId', 'AccessKeyId', 'ResourceName', 'EventName', 'Username', 'EventSource', 'ReadOnly'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

interface Identity {
  type?: string;
  arn?: string;
  userName?: string;
  accessKeyId?: string;
}

/** The user name event history shows: an IAM user's name, an assumed role's session name, "root". */
export function historyUsername(event: CorpusEvent): string | undefined {
  const id = (event.userIdentity ?? {}) as Identity;
  if (id.userName) return id.userName;
  if (id.type === 'Root') return 'root';
  if (id.type === 'AssumedRole' && id.arn) return id.arn.slice(id.arn.lastIndexOf('/') + 1);
  return undefined;
}

/** Resource names as event history indexes them: each resource's ARN and the name at its end. */
export function historyResources(event: CorpusEvent): Array<{ ResourceType?: string; ResourceName: string }> {
  const out: Array<{ ResourceType?: string; ResourceName: string }> = [];
  for (const r of (event.resources ?? []) as Array<{ ARN?: string; type?: string }>) {
    if (!r.ARN) continue;
    out.push({ ResourceType: r.type, ResourceName: r.ARN });
    const tail = r.ARN.slice(Math.max(r.ARN.lastIndexOf('/'), r.ARN.lastIndexOf(':')) + 1);
    if (tail && tail !== r.ARN) out.push({ ResourceType: r.type, ResourceName: tail });
  }
  return out;
}

function attributeValues(event: CorpusEvent, attribute: Attribute): string[] {
  const id = (event.userIdentity ?? {}) as Identity;
  switch (attribute) {
    case 'EventId':
      return [event.eventID];
    case 'AccessKeyId':
      return id.accessKeyId ? [id.accessKeyId] : [];
    case 'ResourceName':
      return historyResources(event).map((r) => r.ResourceName);
    case 'EventName':
      return [nameAndSource(event).name];
    case 'Username': {
      const u = historyUsername(event);
      return u ? [u] : [];
    }
    case 'EventSource':
      return [nameAndSource(event).source];
    case 'ReadOnly':
      return [String(event.readOnly === true)];
  }
}

function isInsight(event: CorpusEvent): boolean {
  return event.eventCategory === 'Insight' || event.eventType === 'AwsCloudTrailInsight';
}

function isManagement(event: CorpusEvent): boolean {
  return !isInsight(event) && event.managementEvent !== false && event.eventCategory !== 'Data';
}

function epochSeconds(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new JsonApiError('SerializationException', `${field} must be epoch seconds`);
  return v;
}

export async function startLookupEventsStandin(opts: LookupStandinOptions): Promise<LookupStandin> {
  const rate = opts.requestsPerSecond ?? 2;
  const deny = new Set(opts.denyRegions ?? []);
  const served: ServedPage[] = [];
  const recent = new Map<string, number[]>();
  const state = { throttled: 0 };
  const byRegion = new Map<string, CorpusEvent[]>();
  for (const e of opts.events) {
    const list = byRegion.get(e.awsRegion) ?? [];
    list.push(e);
    byRegion.set(e.awsRegion, list);
  }
  for (const list of byRegion.values()) {
    // Newest first; ties in a stable, arbitrary order as the service has it.
    list.sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime) || (a.eventID < b.eventID ? -1 : 1));
  }

  const lookup = (req: JsonApiRequest) => {
    const bucket = `${req.accessKeyId}|${req.region}`;
    const now = Date.now();
    const window = (recent.get(bucket) ?? []).filter((t) => now - t < 1000);
    if (window.length >= rate) {
      recent.set(bucket, window);
      state.throttled += 1;
      throw new JsonApiError('ThrottlingException', 'Rate exceeded', 400);
    }
    window.push(now);
    recent.set(bucket, window);
    if (deny.has(req.region)) {
      throw new JsonApiError('AccessDeniedException', `User is not authorized to perform: cloudtrail:LookupEvents in ${req.region}`, 400);
    }

    const input = req.input;
    const maxResults = input.MaxResults === undefined ? 50 : input.MaxResults;
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50) {
      throw new JsonApiError('InvalidMaxResultsException', 'MaxResults must be between 1 and 50');
    }
    const attrs = (input.LookupAttributes ?? []) as Array<{ AttributeKey?: string; AttributeValue?: string }>;
    if (attrs.length > 1) throw new JsonApiError('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute');
    const attr = attrs[0];
    if (attr && (!ATTRIBUTES.includes(attr.AttributeKey as Attribute) || typeof attr.AttributeValue !== 'string')) {
      throw new JsonApiError('InvalidLookupAttributesException', `Invalid lookup attribute ${String(attr.AttributeKey)}`);
    }
    const start = epochSeconds(input.StartTime, 'StartTime');
    const end = epochSeconds(input.EndTime, 'EndTime');
    if (start !== undefined && end !== undefined && start > end) {
      throw new JsonApiError('InvalidTimeRangeException', 'Start time must be before end time');
    }
    const category = input.EventCategory;
    if (category !== undefined && category !== 'insight') throw new JsonApiError('InvalidEventCategoryException', `Invalid EventCategory ${String(category)}`);

    const queryKey = createHash('sha256')
      .update(JSON.stringify([req.region, attr?.AttributeKey, attr?.AttributeValue, start, end, category]))
      .digest('hex')
      .slice(0, 16);
    let offset = 0;
    const token = typeof input.NextToken === 'string' ? input.NextToken : undefined;
    if (token !== undefined) {
      const parsed = /^([0-9a-f]{16})\.(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
      if (!parsed || parsed[1] !== queryKey) throw new JsonApiError('InvalidNextTokenException', 'Invalid NextToken');
      offset = Number(parsed[2]);
    }

    const matching = (byRegion.get(req.region) ?? []).filter((e) => {
      if (category === 'insight' ? !isInsight(e) : !isManagement(e)) return false;
      const t = Date.parse(e.eventTime) / 1000;
      if (start !== undefined && t < start) return false;
      if (end !== undefined && t > end) return false;
      return !attr || attributeValues(e, attr.AttributeKey as Attribute).includes(attr.AttributeValue!);
    });
    const page = matching.slice(offset, offset + maxResults);
    const more = offset + maxResults < matching.length;
    served.push({ region: req.region, token, attribute: attr?.AttributeKey, value: attr?.AttributeValue, eventIds: page.map((e) => e.eventID) });
    return {
      Events: page.map((e) => {
        const id = (e.userIdentity ?? {}) as Identity;
        return {
          EventId: e.eventID,
          EventName: nameAndSource(e).name,
          ReadOnly: String(e.readOnly === true),
          ...(id.accessKeyId ? { AccessKeyId: id.accessKeyId } : {}),
          EventTime: Date.parse(e.eventTime) / 1000,
          EventSource: nameAndSource(e).source,
          ...(historyUsername(e) ? { Username: historyUsername(e) } : {}),
          Resources: historyResources(e),
          CloudTrailEvent: JSON.stringify(e),
        };
      }),
      ...(more ? { NextToken: Buffer.from(`${queryKey}.${offset + maxResults}`).toString('base64') } : {}),
    };
  };

  const standin = await startJsonApiStandin({ LookupEvents: lookup });
  return {
    endpoint: standin.endpoint,
    calls: standin.calls,
    served,
    get throttled() {
      return state.throttled;
    },
    env: { ...dummyAwsEnv, AWS_ENDPOINT_URL_CLOUDTRAIL: standin.endpoint },
    stop: () => standin.stop(),
  };
}
