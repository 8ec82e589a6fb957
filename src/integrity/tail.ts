import type { TrailStatusSeen } from './manifest.js';
import type { Problem } from './problems.js';
import { isoTime } from '../cloudtrail/time.js';

const HOUR = 3_600_000;
const fmt = (d: Date): string => isoTime(d, 's');

export interface Tail {
  trailName: string;
  homeRegion: string;
  /** End of the newest digest found. */
  newest: Date;
  /** Where coverage was expected to reach (window end, or now less the delivery delay). */
  until: Date;
  folderUri: string;
}

/**
 * The status recorded for this trail: GetTrailStatus was asked by ARN, digests name the trail and its home
 * region. A mirror's manifest may come from anyone, so entries are checked field by field, not assumed.
 */
export function statusFor(statuses: unknown, trailName: string, homeRegion: string): TrailStatusSeen | undefined {
  if (!Array.isArray(statuses)) return undefined;
  for (const s of statuses as unknown[]) {
    if (typeof s !== 'object' || s === null) continue;
    const r = s as Record<string, unknown>;
    if (typeof r['trailArn'] !== 'string' || typeof r['readAt'] !== 'string') continue;
    const m = /^arn:[^:]+:cloudtrail:([^:]*):\d{12}:trail\/(.+)$/.exec(r['trailArn']);
    if (!m || m[1] !== homeRegion || m[2] !== trailName) continue;
    const text = (k: string) => (typeof r[k] === 'string' ? { [k]: r[k] } : {});
    return {
      trailArn: r['trailArn'],
      readAt: r['readAt'],
      ...(typeof r['isLogging'] === 'boolean' ? { isLogging: r['isLogging'] } : {}),
      ...text('stopLoggingTime'),
      ...text('latestDigestDeliveryTime'),
      ...text('error'),
    };
  }
  return undefined;
}

function time(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Why no digest covers the end of the window. Missing coverage alone is no proof of tampering (logging may
 * have stopped, or the window may end after the last delivery), so it fails only when the trail says digests
 * were delivered after the newest one found, or when the caller asks for --strict.
 */
export function explainTail(t: Tail, status: TrailStatusSeen | undefined, strict: boolean): Problem {
  const span = `no digest covers ${fmt(t.newest)} to ${fmt(t.until)}`;
  const head = `newest digest of trail ${t.trailName} ends ${fmt(t.newest)}; ${span}`;
  const delivered = time(status?.latestDigestDeliveryTime);
  // An hour's grace: the newest digest found is itself delivered some minutes after it ends.
  if (delivered && delivered.getTime() > t.newest.getTime() + HOUR) {
    return { kind: 'tail-missing', key: t.folderUri, detail: `${head}, yet the trail last delivered a digest at ${fmt(delivered)} (status read ${status!.readAt}): newer digests were deleted` };
  }
  let why: string;
  if (status?.error) why = `trail status could not be read (${status.error})`;
  else if (status?.isLogging === false) why = `logging stopped${time(status.stopLoggingTime) ? ` at ${fmt(time(status.stopLoggingTime)!)}` : ''} (status read ${status.readAt})`;
  else if (status) why = `the trail reports no digest delivered after it (status read ${status.readAt})`;
  else why = 'trail status not known (no trail ARN, or offline)';
  if (strict) return { kind: 'tail-missing', key: t.folderUri, detail: `${head}; ${why} (--strict)` };
  return { kind: 'tail-uncovered', key: t.folderUri, detail: `${head}; ${why}` };
}
