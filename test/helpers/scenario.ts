import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudTrailEvent, JsonObject, SourcedEvent, UserIdentity } from '../../src/cloudtrail/event.js';
import { repoRoot } from './cli.js';

/**
 * Builds realistic CloudTrail records for generated scenarios: field names, nesting and value shapes are
 * those AWS writes (checked against the real records in fixtures/forensics/real), with deterministic ids
 * so failures are reproducible.
 */
let counter = 0;
function nextId(prefix: string): string {
  counter += 1;
  const hex = counter.toString(16).padStart(12, '0');
  return `${prefix}-0000-4000-8000-${hex}`;
}

export function iamUser(account: string, userName: string, accessKeyId: string): UserIdentity {
  return {
    type: 'IAMUser',
    principalId: `AIDA${userName.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(8, 'X').slice(0, 8)}EXAMPLE`,
    arn: `arn:aws:iam::${account}:user/${userName}`,
    accountId: account,
    accessKeyId,
    userName,
  };
}

export interface SessionOptions {
  sourceIdentity?: string;
  mfa?: boolean;
  creationDate?: string;
  rolePath?: string;
}

export function assumedRole(account: string, roleName: string, sessionName: string, accessKeyId: string, opts: SessionOptions = {}): UserIdentity {
  const roleId = `AROA${roleName.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(8, 'Q').slice(0, 8)}EXAMPLE`;
  const identity: UserIdentity = {
    type: 'AssumedRole',
    principalId: `${roleId}:${sessionName}`,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    accountId: account,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: `arn:aws:iam::${account}:role/${opts.rolePath ?? ''}${roleName}`,
        accountId: account,
        userName: roleName,
      },
      webIdFederationData: {},
      attributes: { creationDate: opts.creationDate ?? '2026-03-14T03:55:02Z', mfaAuthenticated: String(opts.mfa ?? false) },
    },
  };
  if (opts.sourceIdentity) identity.sessionContext!.sourceIdentity = opts.sourceIdentity;
  return identity;
}

export interface EventOptions {
  eventSource: string;
  eventName: string;
  eventTime: string;
  userIdentity?: UserIdentity;
  awsRegion?: string;
  recipientAccountId?: string;
  requestParameters?: JsonObject | null;
  responseElements?: JsonObject | null;
  resources?: CloudTrailEvent['resources'];
  errorCode?: string;
  errorMessage?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  sharedEventID?: string;
  eventID?: string;
  readOnly?: boolean;
  sessionCredentialFromConsole?: string;
}

export function apiEvent(o: EventOptions): CloudTrailEvent {
  const e: CloudTrailEvent = {
    eventVersion: '1.09',
    userIdentity: o.userIdentity ?? {},
    eventTime: o.eventTime,
    eventSource: o.eventSource,
    eventName: o.eventName,
    awsRegion: o.awsRegion ?? 'us-east-1',
    sourceIPAddress: o.sourceIPAddress ?? '198.51.100.23',
    userAgent: o.userAgent ?? 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8',
    requestParameters: o.requestParameters === undefined ? null : o.requestParameters,
    responseElements: o.responseElements === undefined ? null : o.responseElements,
    requestID: nextId('req00000'),
    eventID: o.eventID ?? nextId('evt00000'),
    readOnly: o.readOnly ?? false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: o.recipientAccountId ?? (o.userIdentity?.accountId as string | undefined) ?? '111122223333',
    eventCategory: 'Management',
  };
  if (o.errorCode) {
    e.errorCode = o.errorCode;
    e.errorMessage = o.errorMessage ?? `User is not authorized to perform: ${o.eventName}`;
  }
  if (o.resources) e.resources = o.resources;
  if (o.sharedEventID) e.sharedEventID = o.sharedEventID;
  if (o.sessionCredentialFromConsole) e.sessionCredentialFromConsole = o.sessionCredentialFromConsole;
  return e;
}

/** `Mar 14, 2026, 4:55:02 AM`: the prose expiration STS writes. */
export function stsExpiration(isoTime: string, seconds: number): string {
  const d = new Date(Date.parse(isoTime) + seconds * 1000);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

export interface AssumeRoleOptions {
  caller: UserIdentity;
  roleArn: string;
  sessionName: string;
  issuedKey: string;
  eventTime: string;
  durationSeconds?: number;
  sourceIdentity?: string;
  /** The account whose trail holds this copy (the caller's account for the caller-side copy). */
  recipientAccountId?: string;
  sharedEventID?: string;
  awsRegion?: string;
  errorCode?: string;
}

export function assumeRole(o: AssumeRoleOptions): CloudTrailEvent {
  const roleAccount = o.roleArn.split(':')[4]!;
  const roleName = o.roleArn.split('/').pop()!;
  const duration = o.durationSeconds ?? 3600;
  const params: JsonObject = { roleArn: o.roleArn, roleSessionName: o.sessionName, durationSeconds: duration };
  if (o.sourceIdentity) params.sourceIdentity = o.sourceIdentity;
  const response: JsonObject | null = o.errorCode
    ? null
    : {
        credentials: { accessKeyId: o.issuedKey, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ', expiration: stsExpiration(o.eventTime, duration) },
        assumedRoleUser: { assumedRoleId: `AROA${roleName.toUpperCase().slice(0, 8)}EXAMPLE:${o.sessionName}`, arn: `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${o.sessionName}` },
        ...(o.sourceIdentity ? { sourceIdentity: o.sourceIdentity } : {}),
      };
  return apiEvent({
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    eventTime: o.eventTime,
    userIdentity: o.caller,
    awsRegion: o.awsRegion ?? 'us-east-1',
    recipientAccountId: o.recipientAccountId ?? roleAccount,
    requestParameters: params,
    responseElements: response,
    resources: [{ ARN: o.roleArn, accountId: roleAccount, type: 'AWS::IAM::Role' }],
    readOnly: true,
    ...(o.sharedEventID ? { sharedEventID: o.sharedEventID } : {}),
    ...(o.errorCode ? { errorCode: o.errorCode } : {}),
  });
}

/** The role owner's copy of a cross-account AssumeRole: the caller shows only as its account. */
export function roleOwnerCopy(callerCopy: CloudTrailEvent): CloudTrailEvent {
  const caller = callerCopy.userIdentity!;
  const roleAccount = String(callerCopy.requestParameters!.roleArn).split(':')[4]!;
  return {
    ...structuredClone(callerCopy),
    userIdentity: { type: 'AWSAccount', principalId: caller.principalId, accountId: caller.accountId },
    recipientAccountId: roleAccount,
    eventID: nextId('evt00000'),
  };
}

export function sourced(events: CloudTrailEvent[], source = 'scenario.json'): SourcedEvent[] {
  return events.map((event) => ({ event, source }));
}

/** Reads a real fixture the way ctrail's decoders present it: one record per element/line. */
export function loadFixture(relative: string): SourcedEvent[] {
  const path = join(repoRoot, 'fixtures', 'forensics', relative);
  const text = readFileSync(path, 'utf8');
  let records: unknown[];
  if (path.endsWith('.ndjson')) {
    records = text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  } else {
    const parsed = JSON.parse(text) as unknown;
    records = Array.isArray(parsed) ? parsed : Array.isArray((parsed as { Records?: unknown[] }).Records) ? (parsed as { Records: unknown[] }).Records : [parsed];
  }
  return records.map((r) => {
    const event = r as CloudTrailEvent;
    // Logstash exports (OTRF) keep the time only in @timestamp; the unit tests map it here (the CLI's decoder
    // does not read that export shape, so e2e tests use the other fixtures).
    if (typeof event.eventTime !== 'string' && typeof (event as Record<string, unknown>)['@timestamp'] === 'string') {
      event.eventTime = (event as Record<string, unknown>)['@timestamp'] as string;
    }
    return { event, source: `fixtures/forensics/${relative}` };
  });
}
