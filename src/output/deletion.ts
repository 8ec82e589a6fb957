import { neutralize } from './sanitize.js';
import { renderFitted, type FitColumn, type FitOptions } from './fit.js';
import type { ChainStep, Origin } from '../forensics/attribution.js';
import type { DeletionResult, FindDeletionReport } from '../forensics/find-deletion.js';
import { resourceKey, type ResourceRef } from '../forensics/resource.js';
import { shortPrincipal } from '../cloudtrail/principal.js';
import type { TraceReport, TraceResult } from '../forensics/trace.js';

/**
 * Terminal rendering for find-deletion and trace: one sentence per resource first (the answer), then the
 * table of every deletion and attempt, then each chain. Every value from a log goes through neutralize.
 */

/** `arn:aws:sts::1:assumed-role/Admin/ops` → `assumed-role/Admin/ops`. */

export function describeOrigin(origin: Origin): string {
  const who = originName(origin);
  if (!origin.complete) return `origin unknown — ${origin.missing ?? 'the chain stops here'}`;
  return who;
}

/** `contextAccount`: the account already named in the sentence, so it is not repeated. */
function originName(o: Origin, contextAccount?: string): string {
  switch (o.type) {
    case 'IAMUser':
      return `IAM user ${o.name ?? shortPrincipal(o.arn)}${o.account && o.account !== contextAccount ? ` in ${o.account}` : ''}`;
    case 'Root':
      return `the root user of ${o.account ?? 'the account'}`;
    case 'SAMLUser':
      return `SAML user ${o.name ?? '?'}${o.identityProvider ? ` via ${o.identityProvider}` : ''}`;
    case 'WebIdentityUser':
      return `web-identity user ${o.name ?? '?'}${o.identityProvider ? ` via ${o.identityProvider}` : ''}`;
    case 'IdentityCenterUser':
      return `IAM Identity Center user ${o.name ?? '?'}`;
    case 'AWSService':
      return `the AWS service ${o.name ?? '?'}`;
    case 'AWSAccount':
      return `account ${o.account ?? '?'}`;
    default:
      return 'an unknown principal';
  }
}

function clock(iso: string, sameDayAs: string): string {
  return iso.slice(0, 10) === sameDayAs.slice(0, 10) ? iso.slice(11) : iso;
}

function hops(chain: ChainStep[], at: string): string {
  return chain.map((s) => `${s.eventName} at ${clock(s.eventTime, at)}`).join(', then ');
}

function resourcePhrase(r: ResourceRef, label = r.label): string {
  const where = [label, r.account, r.region].filter(Boolean).join(', ');
  return `\`${r.name}\` (${where})`;
}

function byWhom(result: DeletionResult): string {
  const actor = result.actor.arn
    ? `${shortPrincipal(result.actor.arn)}${result.actor.invokedBy ? ` (via ${result.actor.invokedBy})` : ''}`
    : result.actor.invokedBy ?? result.actor.type ?? 'an unknown caller';
  const o = result.origin;
  if (o.deferred) return `AWS at the end of the waiting period set by ${o.via ?? o.deferred.eventName} at ${clock(o.deferred.eventTime, result.eventTime)} — ${schedulerOrigin(o, result)}`;
  if (!o.complete) return `${actor} — origin unknown: ${o.missing ?? 'the chain stops here'}`;
  if (o.chain.length === 0) {
    if ((o.type === 'IAMUser' || o.type === 'Root') && o.arn === result.actor.arn) return originName(o, result.resource.account);
    return `${actor} — ${originName(o, result.resource.account)}`;
  }
  const via = hops(o.chain, result.eventTime);
  const si = o.sourceIdentity ? `, sourceIdentity ${o.sourceIdentity}` : '';
  return `${actor} — a session of ${originName(o, result.resource.account)} (${via}${si})`;
}

function schedulerOrigin(o: Origin, result: DeletionResult): string {
  if (!o.complete) return `origin unknown: ${o.missing ?? 'the chain stops here'}`;
  if (o.chain.length === 0) return originName(o, result.resource.account);
  const si = o.sourceIdentity ? `, sourceIdentity ${o.sourceIdentity}` : '';
  return `a session of ${originName(o, result.resource.account)} (${hops(o.chain, o.deferred?.eventTime ?? result.eventTime)}${si})`;
}

/** Related calls (match `related`) removed parts of a resource: steps that prepared its deletion, never its deletion. */
function relatedClause(related: DeletionResult[], anchor: string): string {
  const shown = related.slice(-5).map((x) => `${x.eventName} \`${x.resource.name}\` at ${clock(x.eventTime, anchor)}${x.outcome === 'failed' ? ` (failed: ${x.errorCode})` : ''}`);
  const more = related.length > shown.length ? `${related.length - shown.length} more, then ` : '';
  return `${related.length} related call${related.length === 1 ? '' : 's'} removed parts of it (${more}${shown.join(', ')})`;
}

/** The answer, one sentence per distinct resource. */
export function deletionSentences(input: string, report: FindDeletionReport): string[] {
  if (report.results.length === 0) return [neutralize(`No deletion of or attempt to delete \`${input}\` was found.`)];
  const sentences: string[] = [];
  if (report.resources.length > 1) sentences.push(neutralize(`\`${input}\` names ${report.resources.length} distinct resources; each is reported separately.`));
  for (const r of report.resources) {
    const mine = report.results.filter((x) => resourceKey(x.parent ?? x.resource) === resourceKey(r));
    const own = mine.filter((x) => x.match !== 'related');
    const related = mine.filter((x) => x.match === 'related');
    if (own.length === 0) {
      sentences.push(neutralize(`No deletion of ${resourcePhrase(r)} was found; ${relatedClause(related, '')}, none of which deletes it.`));
      continue;
    }
    const successes = own.filter((x) => x.outcome === 'success');
    const failures = own.filter((x) => x.outcome === 'failed');
    let s: string;
    if (successes.length) {
      const last = successes[successes.length - 1]!;
      s = `${resourcePhrase(r)} was ${last.effect} at ${last.eventTime} by ${byWhom(last)}`;
      const earlier = successes.slice(0, -1);
      if (earlier.length > 2) s += `; ${earlier.length} earlier calls also succeeded`;
      else for (const x of earlier) s += `; earlier it was ${x.effect} at ${clock(x.eventTime, last.eventTime)} (${x.eventName})`;
      if (failures.length) s += `; ${failures.length} attempt${failures.length === 1 ? '' : 's'} failed (${[...new Set(failures.map((f) => f.errorCode))].join(', ')})`;
    } else {
      const last = failures[failures.length - 1]!;
      s = `No deletion of ${resourcePhrase(r)} succeeded: ${failures.length} attempt${failures.length === 1 ? '' : 's'} failed, the last at ${last.eventTime} by ${byWhom(last)} (${last.errorCode})`;
    }
    if (own.some((x) => x.match === 'heuristic')) s += ' [heuristic match]';
    if (related.length) s += `. Before or beside it, ${relatedClause(related, own[own.length - 1]!.eventTime)}`;
    sentences.push(neutralize(s + '.'));
  }
  return sentences;
}

const DELETION_COLUMNS: FitColumn[] = [
  { header: 'time', priority: 1, min: 20 },
  { header: 'outcome', priority: 2, min: 9 },
  { header: 'event', priority: 3, min: 12 },
  { header: 'resource', priority: 4, min: 12 },
  { header: 'account', priority: 8, min: 12 },
  { header: 'region', priority: 9, min: 9 },
  { header: 'actor', priority: 5, min: 16 },
  { header: 'source IP', priority: 7, min: 15 },
  { header: 'origin', priority: 6, min: 16 },
  { header: 'match', priority: 10, min: 8 },
];

/** Fitted to the terminal unless `fit` says --wide; `notes` hears what was left out. */
export function deletionTable(results: DeletionResult[], fit: FitOptions = { width: 80, wide: false }, notes?: (line: string) => void): string {
  // Forensics reports are printed without colour, so they read the same in a terminal and a saved file.
  const rows = results.map(
    (r) =>
      [
        r.eventTime,
        r.outcome === 'success' ? r.effect : `failed: ${r.errorCode}`,
        r.eventName,
        r.resource.name,
        r.resource.account ?? '',
        r.resource.region ?? '',
        shortPrincipal(r.actor.arn) === '?' ? r.actor.invokedBy ?? r.actor.type ?? '?' : shortPrincipal(r.actor.arn),
        r.actor.sourceIPAddress ?? '',
        (r.origin.complete ? originName(r.origin, r.resource.account) : 'unknown') + (r.origin.deferred ? ` (deferred: ${r.origin.deferred.eventName})` : ''),
        r.match,
      ].map((c) => neutralize(String(c))),
  );
  return renderFitted(DELETION_COLUMNS, rows, fit, false, notes).trimEnd();
}

/** `IAM user x ─AssumeRole 03:50:00Z→ assumed-role/Jump/x ─AssumeRole 03:55:02Z→ assumed-role/Admin/s`, plus what is missing. */
export function chainLines(origin: Origin, actorArn: string | undefined, at: string): string[] {
  const lines: string[] = [];
  const reached = origin.reached?.arn ? shortPrincipal(origin.reached.arn) : origin.reached?.account ? `account ${origin.reached.account}` : '?';
  const start = origin.complete ? originName(origin) : origin.chain.length ? `? (stopped at ${reached})` : '?';
  const parts = [start];
  for (const step of origin.chain) {
    parts.push(`─${step.eventName} ${clock(step.eventTime, at)} [${step.accessKeyId}${step.account ? ` @${step.account}` : ''}]→ ${shortPrincipal(step.sessionArn ?? step.roleArn)}`);
  }
  if (origin.chain.length === 0 && actorArn && origin.arn !== actorArn) parts.push(`→ ${shortPrincipal(actorArn)}`);
  lines.push(parts.join(' '));
  if (origin.sourceIdentity) lines.push(`  sourceIdentity: ${origin.sourceIdentity}`);
  if (!origin.complete && origin.missing) lines.push(`  missing: ${origin.missing}`);
  return lines.map(neutralize);
}

export function renderDeletionReport(input: string, report: FindDeletionReport, fit?: FitOptions, notes?: (line: string) => void): string {
  const out: string[] = [...deletionSentences(input, report), ''];
  if (report.results.length === 0) return out.join('\n');
  out.push(deletionTable(report.results, fit, notes), '');
  report.results.forEach((r, i) => {
    out.push(neutralize(`#${i + 1} ${r.eventTime} ${r.eventName} ${r.eventID ?? ''} (${r.source})`));
    if (r.parent) out.push(neutralize(`  removed ${r.resource.label} \`${r.resource.name}\` of ${r.parent.label} \`${r.parent.name}\` — not its deletion`));
    if (r.origin.deferred) out.push(neutralize(`  deferred: AWS carried out ${r.origin.via ?? r.origin.deferred.eventName} of ${r.origin.deferred.eventTime} (${r.origin.deferred.source})`));
    for (const line of chainLines(r.origin, r.origin.deferred ? undefined : r.actor.arn, r.origin.deferred?.eventTime ?? r.eventTime)) out.push(`  ${line}`);
  });
  return out.join('\n') + '\n';
}

export function traceSentence(input: string, r: TraceResult): string {
  const principal = shortPrincipal(r.principal.arn);
  const seen = r.events ? `used ${r.events} time${r.events === 1 ? '' : 's'} (${r.firstSeen} – ${r.lastSeen})` : 'issued but not seen used';
  const o = r.origin;
  const who = !o.complete
    ? `origin unknown: ${o.missing ?? 'the chain stops here'}`
    : o.chain.length
      ? `a session of ${originName(o)} (${hops(o.chain, r.firstSeen ?? o.chain[o.chain.length - 1]!.eventTime)})`
      : originName(o);
  return neutralize(`${r.accessKeyId ?? input} as ${principal}${r.principal.account ? ` in ${r.principal.account}` : ''}, ${seen}: ${who}.`);
}

export function renderTraceReport(input: string, report: TraceReport): string {
  if (report.results.length === 0) return neutralize(`${input} was neither used nor issued in the sources.`) + '\n';
  const out: string[] = [];
  if (report.results.length > 1) out.push(neutralize(`${input} matches ${report.results.length} distinct credentials; each is traced separately.`));
  for (const r of report.results) {
    out.push(traceSentence(input, r));
    for (const line of chainLines(r.origin, r.principal.arn, r.firstSeen ?? '')) out.push(`  ${line}`);
  }
  return out.join('\n') + '\n';
}
