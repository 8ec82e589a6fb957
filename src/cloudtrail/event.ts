/**
 * The CloudTrail event as AWS writes it. Every input format (log file, NDJSON, lookup-events output,
 * EventBridge envelope) is reduced to this object, unmodified, so downstream stages and users see
 * exactly what AWS recorded.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

export interface SessionIssuer {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  userName?: string;
}

export interface SessionContext {
  sessionIssuer?: SessionIssuer;
  webIdFederationData?: { federatedProvider?: string; attributes?: Record<string, string> };
  attributes?: { creationDate?: string; mfaAuthenticated?: string };
  sourceIdentity?: string;
  ec2RoleDelivery?: string;
  [key: string]: unknown;
}

export interface UserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  credentialId?: string;
  onBehalfOf?: { userId?: string; identityStoreArn?: string };
  sessionContext?: SessionContext;
  [key: string]: unknown;
}

export interface EventResource {
  ARN?: string;
  accountId?: string;
  type?: string;
}

export interface CloudTrailEvent {
  eventVersion?: string;
  userIdentity?: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters?: JsonObject | null;
  responseElements?: JsonObject | null;
  additionalEventData?: JsonObject;
  requestID?: string;
  eventID?: string;
  readOnly?: boolean;
  resources?: EventResource[];
  eventType?: string;
  managementEvent?: boolean;
  recipientAccountId?: string;
  sharedEventID?: string;
  eventCategory?: string;
  sessionCredentialFromConsole?: string;
  [key: string]: unknown;
}

/** An event together with where it was read from (a file path, `s3://bucket/key`, `history:REGION`, ...). */
export interface SourcedEvent {
  event: CloudTrailEvent;
  source: string;
}

/**
 * True when a parsed JSON value has the minimum shape of a CloudTrail event. Insights events are events
 * too, although they keep eventSource and eventName inside insightDetails; read those two fields through
 * eventNameOf/eventSourceOf wherever Insights events can appear.
 */
export function isCloudTrailEvent(value: unknown): value is CloudTrailEvent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.eventTime !== 'string') return false;
  if (typeof v.eventName === 'string' && typeof v.eventSource === 'string') return true;
  return v.eventType === 'AwsCloudTrailInsight' && insightDetails(v) !== undefined;
}

interface InsightDetails {
  eventName?: unknown;
  eventSource?: unknown;
}

function insightDetails(v: Record<string, unknown>): InsightDetails | undefined {
  const d = v.insightDetails;
  return d !== null && typeof d === 'object' && !Array.isArray(d) ? (d as InsightDetails) : undefined;
}

export function eventNameOf(e: CloudTrailEvent): string {
  if (typeof e.eventName === 'string') return e.eventName;
  const n = insightDetails(e)?.eventName;
  return typeof n === 'string' ? n : '';
}

export function eventSourceOf(e: CloudTrailEvent): string {
  if (typeof e.eventSource === 'string') return e.eventSource;
  const n = insightDetails(e)?.eventSource;
  return typeof n === 'string' ? n : '';
}
