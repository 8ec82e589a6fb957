import { UsageError } from '../errors.js';
import type { CloudTrailEvent } from '../cloudtrail/event.js';
import {
  DELETION_CATALOGUE,
  canonicalEventName,
  deletionRuleOfType,
  isContentDeletion,
  subResourceRule,
  isKnownType,
  looksDestructive,
  resourceTypes,
  ruleFor,
  typeMatches,
  type DeletionEffect,
  type DeletionRule,
  type IdTransform,
  type TargetPath,
} from './catalogue.js';
import { asString, stringLeaves, valuesAt } from '../cloudtrail/json.js';
import { accountOf, parseArn, partitionOf, serviceOf, type ParsedArn } from '../cloudtrail/arn.js';


/** What the user asked about. A bare name matches anywhere; an ARN pins the account and region. */
export interface ResourceQuery {
  input: string;
  type?: string;
  arn?: ParsedArn;
  /** Spellings under which a request may name the resource. */
  names: string[];
}

export function parseResourceQuery(input: string, type?: string): ResourceQuery {
  const raw = input.trim();
  if (raw === '') throw new UsageError('the resource to look for is empty');
  if (type !== undefined && !isKnownType(type)) {
    throw new UsageError(`unknown --type ${type}; known types: ${resourceTypes().join(', ')}`);
  }
  const s3Url = /^s3:\/\/([^/]+)(?:\/(.+))?$/.exec(raw);
  const text = s3Url ? `arn:aws:s3:::${s3Url[1]}${s3Url[2] ? `/${s3Url[2]}` : ''}` : raw;
  const arn = parseArn(text);
  const query: ResourceQuery = { input: text, names: [] };
  if (type !== undefined) query.type = type;
  if (arn) {
    query.arn = arn;
    query.names = namesFromArn(arn);
  } else {
    query.names = unique([raw, raw.endsWith('.') ? raw.slice(0, -1) : raw]);
  }
  return query;
}

/** Every short name an ARN's resource could go by in a request parameter; the most natural one first. */
export function namesFromArn(arn: ParsedArn): string[] {
  const r = arn.resource;
  if (arn.service === 's3') {
    const slash = r.indexOf('/');
    return slash > 0 ? unique([r.slice(slash + 1), r]) : [r];
  }
  if (arn.service === 'cloudformation') {
    const m = /^stack\/([^/]+)/.exec(r);
    return m ? unique([m[1]!, r]) : [r];
  }
  if (arn.service === 'kms' && r.startsWith('alias/')) return [r];
  const sep = /[/:]/.exec(r);
  if (!sep) return [r];
  const rest = r.slice(sep.index + 1).replace(/:\*$/, '');
  const segments = rest.split('/');
  const last = segments[segments.length - 1]!;
  const names: string[] = [];
  if (arn.service === 'lambda') names.push(rest.split(':')[0]!);
  if (arn.service === 'secretsmanager') names.push(rest.replace(/-[A-Za-z0-9]{6}$/, ''));
  // IAM paths (`role/path/Admin`) are not part of the name a request uses.
  if (arn.service === 'iam') names.push(last);
  names.push(rest, last, r);
  return unique(names.filter((n) => n !== ''));
}

/**
 * `related`: the call removed a part of the asked resource (a role's inline policy, a bucket's objects,
 * a bucket's lifecycle) — a step that prepared its deletion, never its deletion.
 */
export type MatchKind = 'catalogue' | 'resources' | 'heuristic' | 'related';

/** One resource as the results name it; distinct resources never share a key. */
export interface ResourceRef {
  type: string;
  label: string;
  name: string;
  arn?: string;
  account?: string;
  /** Absent for global resources (IAM, S3 buckets, Route 53, Organizations). */
  region?: string;
}

export interface ResourceMatch {
  resource: ResourceRef;
  match: MatchKind;
  effect: DeletionEffect;
  rule?: DeletionRule;
  /** For `related` matches: the asked resource, of which `resource` is a part. */
  parent?: ResourceRef;
}

export function resourceKey(r: ResourceRef): string {
  return [r.type, r.account ?? '', r.region ?? '', r.name].join('|');
}

interface Candidate {
  names: string[];
  arn?: string;
  account?: string;
  region?: string;
}

/**
 * Decides whether an event destroyed (or tried to destroy) the queried resource, in order of confidence:
 * the catalogue's target paths, then `resources[].ARN`, then — only for destructive-looking events outside
 * the catalogue — any request-parameter value equal to the identifier. A call that removed only a part of
 * the queried resource (catalogue `parent`, or the `Delete<Parent><Sub>` name rule) is `related`.
 */
export function matchEvent(query: ResourceQuery, event: CloudTrailEvent): ResourceMatch | undefined {
  const own = ruleFor(event.eventSource, event.eventName);
  const rule = own ?? subResourceRule(event.eventSource, event.eventName);
  if (rule?.parent) {
    const related = matchParent(query, event, rule);
    if (related) return related;
  }
  if (own && typeMatches(query.type, own)) {
    for (const target of own.targets) {
      const spec: TargetPath = typeof target === 'string' ? { path: target } : target;
      for (const value of targetValues(event, spec.path)) {
        const candidate = candidateFromValue(value, spec, own, event);
        if (candidateMatches(query, candidate, serviceOf(own.eventSource))) {
          return { resource: refFrom(candidate, own.resourceType, own.label, own.global), match: 'catalogue', effect: own.effect, rule: own };
        }
      }
    }
  }
  if (!own && (!looksDestructive(event.eventName) || isContentDeletion(event.eventSource, event.eventName))) return undefined;
  if (own && !typeMatches(query.type, own)) return undefined;

  for (const entry of event.resources ?? []) {
    const arnText = asString(entry?.ARN);
    if (!arnText) continue;
    const arn = parseArn(arnText);
    if (!arn) continue;
    const entryType = asString(entry.type);
    // S3 data events list the bucket next to the object: only the kind of resource the call destroys counts.
    if (own?.cfnType && entryType && entryType !== own.cfnType) continue;
    const typed = own ?? ruleForCfnType(entryType);
    const candidate: Candidate = {
      names: namesFromArn(arn),
      arn: arnText,
      account: arn.account || asString(entry.accountId) || accountOf(event),
      region: arn.region || undefined,
    };
    if (!own && typed) {
      // The catalogue knows how a resource of this type is deleted, and this call is not one of those ways:
      // it acted on the resource (DeleteBucketLifecycle lists its bucket), so it is at most a related step.
      if (query.type && !typeMatches(query.type, typed)) continue;
      if (candidateMatches(query, candidate, arn.service)) return relatedFromResources(event, rule, typed, candidate);
      continue;
    }
    if (query.type && !(typed && typeMatches(query.type, typed))) continue;
    if (candidateMatches(query, candidate, arn.service)) {
      const type = typed?.resourceType ?? `${arn.service}:${asString(entry.type) ?? 'resource'}`;
      const label = typed?.label ?? asString(entry.type) ?? arn.service;
      return { resource: refFrom(candidate, type, label, !candidate.region), match: 'resources', effect: own?.effect ?? 'deleted', ...(own ? { rule: own } : {}) };
    }
  }

  if (own) return undefined;
  const service = serviceOf(event.eventSource);
  if (query.type && query.type.split(':')[0]!.toLowerCase() !== service) return undefined;
  if (query.arn && query.arn.service !== service) return undefined;
  for (const leaf of stringLeaves(event.requestParameters ?? null)) {
    const candidate = leaf.startsWith('arn:')
      ? candidateFromArnText(leaf, event)
      : { names: [leaf], account: accountOf(event), region: event.awsRegion || undefined };
    if (candidate && candidateMatches(query, candidate, service)) {
      const noun = eventNoun(event.eventName);
      return { resource: refFrom(candidate, `${service}:${kebab(noun) || 'resource'}`, `${service} ${noun || 'resource'}`, false), match: 'heuristic', effect: 'deleted' };
    }
  }
  return undefined;
}

/** A call whose row has a parent, asked about that parent: the part it removed, and the parent. */
function matchParent(query: ResourceQuery, event: CloudTrailEvent, rule: DeletionRule): ResourceMatch | undefined {
  const parentRule = deletionRuleOfType(rule.parent!.resourceType);
  if (!parentRule || !typeMatches(query.type, parentRule)) return undefined;
  for (const path of rule.parent!.targets) {
    for (const value of targetValues(event, path)) {
      const candidate = candidateFromValue(value, { path }, parentRule, event);
      if (!candidateMatches(query, candidate, serviceOf(parentRule.eventSource))) continue;
      const parent = refFrom(candidate, parentRule.resourceType, parentRule.label, parentRule.global);
      return { resource: partRef(event, rule, parent), match: 'related', effect: rule.effect, rule, parent };
    }
  }
  return undefined;
}

function relatedFromResources(event: CloudTrailEvent, rule: DeletionRule | undefined, parentRule: DeletionRule, candidate: Candidate): ResourceMatch {
  const parent = refFrom(candidate, parentRule.resourceType, parentRule.label, parentRule.global);
  if (rule) return { resource: partRef(event, rule, parent), match: 'related', effect: rule.effect, rule, parent };
  const noun = eventNoun(event.eventName);
  const service = serviceOf(event.eventSource);
  const resource: ResourceRef = { ...parent, type: `${service}:${kebab(noun) || 'resource'}`, label: `${service} ${noun || 'resource'} of ${parentRule.label}` };
  return { resource, match: 'related', effect: 'deleted', parent };
}

/** The part a related call really removed: its own target when the row names one, else the parent's slot. */
function partRef(event: CloudTrailEvent, rule: DeletionRule, parent: ResourceRef): ResourceRef {
  for (const target of rule.targets) {
    const spec: TargetPath = typeof target === 'string' ? { path: target } : target;
    const value = targetValues(event, spec.path)[0];
    if (!value) continue;
    const ref = refFrom(candidateFromValue(value, spec, rule, event), rule.resourceType, rule.label, rule.global);
    return { ...ref, ...(parent.account && !ref.account ? { account: parent.account } : {}) };
  }
  const { arn: _arn, ...slot } = parent;
  return { ...slot, type: rule.resourceType, label: rule.label };
}

function eventNoun(eventName: string): string {
  return canonicalEventName(eventName).replace(/^(Delete|Terminate|Remove|Deregister|Destroy|Purge|Schedule)/, '').replace(/Deletion$/, '');
}

/**
 * The resources an event names at `paths`, formed as `rule` forms them (so a key id and a key ARN give
 * the same key). For evidence that is not itself a deletion: the call that cancels a scheduled deletion.
 */
export function resourcesNamedAt(event: CloudTrailEvent, paths: readonly string[], rule: DeletionRule): ResourceRef[] {
  const refs: ResourceRef[] = [];
  for (const path of paths) {
    for (const value of targetValues(event, path)) refs.push(refFrom(candidateFromValue(value, { path }, rule, event), rule.resourceType, rule.label, rule.global));
  }
  return refs;
}

/** Whether a resource an event names is the queried one (see candidateMatches). */
export function refMatches(query: ResourceQuery, ref: ResourceRef, service: string): boolean {
  const parsed = ref.arn ? parseArn(ref.arn) : undefined;
  const names = parsed ? unique([ref.name, ...namesFromArn(parsed)]) : [ref.name];
  return candidateMatches(query, { names, ...(ref.arn ? { arn: ref.arn } : {}), ...(ref.account ? { account: ref.account } : {}), ...(ref.region ? { region: ref.region } : {}) }, service);
}

function targetValues(event: CloudTrailEvent, path: string): string[] {
  if (path.startsWith('@')) return valuesAt(event, path.slice(1));
  if (path.startsWith('responseElements.')) return valuesAt(event.responseElements, path.slice('responseElements.'.length));
  return valuesAt(event.requestParameters, path);
}

function candidateFromValue(value: string, spec: TargetPath, rule: DeletionRule, event: CloudTrailEvent): Candidate {
  if (value.startsWith('arn:')) {
    const fromArn = candidateFromArnText(value, event);
    if (fromArn) return fromArn;
  }
  const { id, account, region } = transform(value, spec.transform ?? 'none', event);
  const candidate: Candidate = { names: unique([id, value]), account, region: rule.global ? undefined : region };
  const template = spec.arn === undefined ? rule.arn : spec.arn;
  if (template) {
    const arn = fillTemplate(template, id, account, region, event);
    if (arn) candidate.arn = arn;
  }
  if (rule.resourceType === 's3:object') {
    const bucket = valuesAt(event.requestParameters, 'bucketName')[0];
    if (bucket) candidate.names.push(`${bucket}/${id}`);
  }
  return candidate;
}

function candidateFromArnText(text: string, event: CloudTrailEvent): Candidate | undefined {
  const arn = parseArn(text);
  if (!arn) return undefined;
  return { names: namesFromArn(arn), arn: text, account: arn.account || accountOf(event), region: arn.region || undefined };
}

function transform(value: string, how: IdTransform, event: CloudTrailEvent): { id: string; account?: string; region?: string } {
  const account = accountOf(event);
  const region = event.awsRegion || undefined;
  switch (how) {
    case 'sqsQueueUrl': {
      const m = /^https?:\/\/(?:sqs\.)?([a-z0-9-]+)\.(?:queue\.)?amazonaws\.com[^/]*\/(\d+|[^/]+)\/([^/?]+)/.exec(value);
      if (m) return { id: m[3]!, account: m[2]!, region: m[1] === 'queue' ? region : m[1]! };
      return { id: value.split('/').pop() ?? value, account, region };
    }
    case 'hostedZoneId':
      return { id: value.replace(/^\/?hostedzone\//, ''), account, region };
    case 'dnsName':
      return { id: value.replace(/\.$/, ''), account, region };
    default:
      return { id: value, account, region };
  }
}

function fillTemplate(template: string, id: string, account: string | undefined, region: string | undefined, event: CloudTrailEvent): string | undefined {
  let missing = false;
  const out = template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    switch (name) {
      case 'partition':
        return partitionOf(region);
      case 'region':
        return region ?? ((missing = true), '');
      case 'account':
        return account ?? ((missing = true), '');
      case 'id':
        return id;
      default: {
        const v = valuesAt(event.requestParameters, name)[0];
        if (!v) return (missing = true), '';
        return v.startsWith('arn:') ? v.slice(v.lastIndexOf('/') + 1) : v;
      }
    }
  });
  return missing ? undefined : out;
}

function candidateMatches(query: ResourceQuery, c: Candidate, service: string): boolean {
  if (query.arn) {
    if (c.arn === query.input) return true;
    if (query.arn.service !== service) return false;
    if (query.arn.account && c.account && query.arn.account !== c.account) return false;
    if (query.arn.account && !c.account) return false;
    if (query.arn.region && c.region && query.arn.region !== c.region) return false;
    return c.names.some((n) => query.names.includes(n));
  }
  return c.arn === query.input || c.names.some((n) => query.names.includes(n));
}

function refFrom(c: Candidate, type: string, label: string, global?: boolean): ResourceRef {
  const ref: ResourceRef = { type, label, name: c.names[0]! };
  if (c.arn) ref.arn = c.arn;
  if (c.account) ref.account = c.account;
  if (!global && c.region) ref.region = c.region;
  return ref;
}

function ruleForCfnType(cfnType: string | undefined): DeletionRule | undefined {
  if (!cfnType) return undefined;
  return DELETION_CATALOGUE.find((r) => r.cfnType === cfnType);
}


function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
