import { neutralize } from './sanitize.js';
import type { ActivityEvent, ActivityNode, ActivityReport, ActivitySummary, Count } from '../forensics/activity/types.js';
import { shortPrincipal } from '../cloudtrail/principal.js';
import { serviceOf } from '../cloudtrail/arn.js';
import { TimelineSkips, timesketchLine, type FlatValue } from './timesketch.js';

/**
 * Terminal form of `ctrail activity`: the summary (tree of sessions, where, what, which resources, from
 * where, when), then the timeline. Every value from a log goes through neutralize.
 */
export function renderActivitySummary(s: ActivitySummary): string {
  const out: string[] = [];
  if (s.events === 0 && s.tree.length === 0) return neutralize(`${s.who}: no activity in the sources.`) + '\n';
  const sessions = s.tree.filter((n) => n.depth > 0).length;
  out.push(`${s.who}: ${s.events} event${s.events === 1 ? '' : 's'} through ${s.tree.length} credential${s.tree.length === 1 ? '' : 's'} (${sessions} spawned), ${s.firstSeen ?? '?'} – ${s.lastSeen ?? '?'}`);
  out.push('', 'Sessions:');
  const children = new Map<number | undefined, ActivityNode[]>();
  for (const n of s.tree) (children.get(n.parent) ?? children.set(n.parent, []).get(n.parent)!).push(n);
  const walk = (n: ActivityNode, indent: string) => {
    const how = n.depth === 0 ? '' : n.joinedBy === 'CreateAccessKey' || n.joinedBy === 'CreateUser' ? `─${n.joinedBy}→ [persistence] ` : n.joinedBy === 'sourceIdentity' ? `─${n.via[n.via.length - 1]?.eventName ?? '?'} (sourceIdentity ${n.sourceIdentity ?? '?'})→ ` : `─${n.via[n.via.length - 1]?.eventName ?? '?'}→ `;
    const when = n.issuedAt ? ` issued ${n.issuedAt}` : '';
    const seen = n.events ? `, ${n.events} event${n.events === 1 ? '' : 's'} ${n.firstSeen} – ${n.lastSeen}` : ', not seen used';
    out.push(`${indent}${how}${n.principal.type ?? '?'} ${shortPrincipal(n.principal.arn)} [${n.accessKeyId ?? 'no key'}]${n.principal.account ? ` @${n.principal.account}` : ''}${when}${seen}`);
    for (const c of children.get(n.id) ?? []) walk(c, indent + '  ');
  };
  for (const root of s.tree.filter((n) => n.parent === undefined)) walk(root, '  ');
  out.push('', `Accounts: ${counts(s.accounts)}`, `Regions: ${counts(s.regions)}`, '', 'Calls:');
  for (const svc of s.services) out.push(`  ${svc.name} (${svc.events}): ${svc.calls.map((c) => `${c.name} ×${c.events}${c.errors ? ` (${c.errors} failed)` : ''}`).join(', ')}`);
  out.push(`Write calls: ${s.writes}. Errors: ${s.errors.length ? counts(s.errors) : 'none'}`);
  for (const [label, list] of [['Created', s.resources.created], ['Changed', s.resources.changed], ['Deleted or stopped', s.resources.deleted]] as const) {
    if (list.length) out.push(`${label}:`, ...capped(list.map((r) => `  ${r.eventTime} ${r.eventName} ${r.resource}${r.account ? ` @${r.account}` : ''} ${r.region}`)));
  }
  if (s.persistence.length) {
    out.push('Persistence:');
    for (const p of s.persistence) {
      const what = [p.userName ? `user ${p.userName}${p.eventName === 'CreateUser' && p.followed ? ' (followed)' : ''}` : '', p.roleName ? `role ${p.roleName}` : '', p.accessKeyId ? `new key ${p.accessKeyId}${p.followed ? ' (followed; may also be used by someone else)' : ''}` : ''].filter(Boolean).join(', ');
      out.push(`  ${p.eventTime} ${p.eventName}${p.errorCode ? ` failed: ${p.errorCode}` : ''} ${what} by ${shortPrincipal(s.tree[p.by]?.principal.arn)}`);
    }
  }
  out.push('Source IPs:', ...capped(s.sourceIPs.map((c) => `  ${c.name} (${c.events})`)), 'User agents:', ...capped(s.userAgents.map((c) => `  ${c.name} (${c.events})`)));
  if (s.unattributed) out.push(`${s.unattributed} event${s.unattributed === 1 ? '' : 's'} used a key of the set but could not be proved to be that credential (another principal, another issuance, or no issuance fits); left out.`);
  return out.map(neutralize).join('\n') + '\n';
}

/** The terminal shows the first lines of a long list; -o json has all of them. */
const LIST_LIMIT = 20;
function capped(lines: string[]): string[] {
  return lines.length <= LIST_LIMIT ? lines : [...lines.slice(0, LIST_LIMIT), `  … and ${lines.length - LIST_LIMIT} more (-o json lists all)`];
}

function counts(list: Count[]): string {
  return list.map((c) => `${c.name} (${c.events})`).join(', ');
}

export function renderTimeline(events: ActivityEvent[]): string {
  const out = ['', 'Timeline (depth, time, account, region, call, principal):'];
  for (const x of events) {
    const copy = x.copies ? ` [copy of ${x.copies.join(', ')}]` : '';
    out.push(neutralize(`${'  '.repeat(x.depth)}${x.depth} ${x.eventTime} ${x.recipientAccountId ?? '?'} ${x.awsRegion} ${serviceOf(x.eventSource)}:${x.eventName}${x.errorCode ? ` failed: ${x.errorCode}` : ''} ${shortPrincipal(x.session)}${x.branch === 'persistence' ? ' [persistence]' : ''}${copy}`));
  }
  return out.join('\n') + '\n';
}

export function renderActivityReport(report: ActivityReport, summaryOnly: boolean): string {
  const summary = renderActivitySummary(report.summary);
  return summaryOnly || report.events.length === 0 ? summary : summary + renderTimeline(report.events);
}

/** `-o timesketch`: each event of the set as a Timesketch line, with how it joins the set as `activity.*`. */
export function activityTimeline(events: ActivityEvent[]): { text: string; leftOut: string | undefined } {
  const skips = new TimelineSkips();
  let text = '';
  for (const x of events) {
    const extra: Record<string, FlatValue> = { 'activity.depth': x.depth, 'activity.branch': x.branch, 'ctrail.source': x.source };
    if (x.session) extra['activity.session'] = x.session;
    if (x.accessKeyId) extra['activity.accessKeyId'] = x.accessKeyId;
    if (x.copies?.length) extra['activity.copies'] = x.copies.join(',');
    const line = timesketchLine(x.event, { extra });
    if (line === undefined) skips.add(x.event);
    else text += line;
  }
  return { text, leftOut: skips.line() };
}
