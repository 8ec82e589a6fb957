import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudTrailEvent, UserIdentity } from '../../src/cloudtrail/event.js';

/**
 * Builds realistic CloudTrail events and lays them out as a trail would deliver them, for tests, the demo
 * trail and the benchmark corpus. Everything is deterministic: ids derive from a seed, never from the clock.
 */
export function stableId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function iamUser(account: string, name: string, accessKeyId: string): UserIdentity {
  return {
    type: 'IAMUser',
    principalId: 'AIDA' + createHash('sha1').update(account + name).digest('hex').slice(0, 17).toUpperCase(),
    arn: `arn:aws:iam::${account}:user/${name}`,
    accountId: account,
    accessKeyId,
    userName: name,
  };
}

export function roleId(account: string, role: string): string {
  return 'AROA' + createHash('sha1').update(account + role).digest('hex').slice(0, 17).toUpperCase();
}

export function assumedRole(
  account: string,
  role: string,
  session: string,
  accessKeyId: string,
  creationDate: string,
  opts: { mfa?: boolean; sourceIdentity?: string } = {},
): UserIdentity {
  const id: UserIdentity = {
    type: 'AssumedRole',
    principalId: `${roleId(account, role)}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId(account, role),
        arn: `arn:aws:iam::${account}:role/${role}`,
        accountId: account,
        userName: role,
      },
      attributes: { creationDate, mfaAuthenticated: opts.mfa ? 'true' : 'false' },
    },
  };
  if (opts.sourceIdentity) id.sessionContext!.sourceIdentity = opts.sourceIdentity;
  return id;
}

export interface EventInput extends Partial<CloudTrailEvent> {
  eventTime: string;
  eventSource: string;
  eventName: string;
  userIdentity: UserIdentity;
}

export function makeEvent(input: EventInput, seed = ''): CloudTrailEvent {
  const account = input.recipientAccountId ?? input.userIdentity.accountId ?? '111122223333';
  const region = input.awsRegion ?? 'us-east-1';
  const base: CloudTrailEvent = {
    eventVersion: '1.09',
    userIdentity: input.userIdentity,
    eventTime: input.eventTime,
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion: region,
    sourceIPAddress: input.sourceIPAddress ?? '198.51.100.24',
    userAgent: input.userAgent ?? 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2023 prompt/off command/' + input.eventName.toLowerCase(),
  };
  if (input.errorCode) base.errorCode = input.errorCode;
  if (input.errorMessage) base.errorMessage = input.errorMessage;
  base.requestParameters = input.requestParameters ?? null;
  base.responseElements = input.responseElements ?? null;
  if (input.additionalEventData) base.additionalEventData = input.additionalEventData;
  base.requestID = input.requestID ?? stableId('req', seed, input.eventTime, input.eventName).toUpperCase();
  base.eventID = input.eventID ?? stableId('evt', seed, input.eventTime, input.eventName, JSON.stringify(input.requestParameters ?? null));
  base.readOnly = input.readOnly ?? /^(Describe|Get|List|Lookup|Head)/.test(input.eventName);
  if (input.resources) base.resources = input.resources;
  base.eventType = input.eventType ?? 'AwsApiCall';
  base.managementEvent = input.managementEvent ?? true;
  base.recipientAccountId = account;
  if (input.sharedEventID) base.sharedEventID = input.sharedEventID;
  base.eventCategory = input.eventCategory ?? (base.managementEvent ? 'Management' : 'Data');
  if (input.tlsDetails !== undefined) base.tlsDetails = input.tlsDetails;
  if (input.sessionCredentialFromConsole) base.sessionCredentialFromConsole = input.sessionCredentialFromConsole;
  return base;
}

export interface TrailFile {
  key: string;
  events: CloudTrailEvent[];
  body: Buffer;
}

/**
 * Groups events into delivery files the way CloudTrail does: per account and region, one file per
 * 5-minute window, named with a delivery minute a few minutes after the window (so late events cross
 * midnight into the next day's folder, as in real trails).
 */
export function layoutTrail(events: CloudTrailEvent[], opts: { prefix?: string; org?: string; windowMinutes?: number; delayMinutes?: number } = {}): TrailFile[] {
  const windowMs = (opts.windowMinutes ?? 5) * 60_000;
  const delayMs = (opts.delayMinutes ?? 3) * 60_000;
  const groups = new Map<string, CloudTrailEvent[]>();
  for (const e of events) {
    const slot = Math.floor(Date.parse(e.eventTime) / windowMs) * windowMs;
    const k = `${e.recipientAccountId}|${e.awsRegion}|${slot}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(e);
  }
  const files: TrailFile[] = [];
  for (const [k, evs] of [...groups].sort()) {
    const [account, region, slotText] = k.split('|') as [string, string, string];
    const delivered = new Date(Number(slotText) + windowMs + delayMs);
    const y = delivered.getUTCFullYear();
    const mo = String(delivered.getUTCMonth() + 1).padStart(2, '0');
    const d = String(delivered.getUTCDate()).padStart(2, '0');
    const hh = String(delivered.getUTCHours()).padStart(2, '0');
    const mm = String(delivered.getUTCMinutes()).padStart(2, '0');
    const uniq = createHash('sha1').update(k).digest('hex').slice(0, 16).toUpperCase();
    const org = opts.org ? `${opts.org}/` : '';
    const prefix = opts.prefix ? `${opts.prefix.replace(/\/$/, '')}/` : '';
    const key = `${prefix}AWSLogs/${org}${account}/CloudTrail/${region}/${y}/${mo}/${d}/${account}_CloudTrail_${region}_${y}${mo}${d}T${hh}${mm}Z_${uniq}.json.gz`;
    evs.sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
    const body = gzipSync(Buffer.from(JSON.stringify({ Records: evs })));
    files.push({ key, events: evs, body });
  }
  return files;
}

export function writeTrail(dir: string, files: TrailFile[]): void {
  for (const f of files) {
    const path = join(dir, ...f.key.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.body);
  }
}
