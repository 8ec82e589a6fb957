import type { Insight, InsightReport } from '../analytics/insights.js';
import { isoTime as iso } from '../cloudtrail/time.js';
import { serviceOf } from '../cloudtrail/arn.js';
import { neutralize } from './sanitize.js';
import { renderFitted, type FitColumn, type FitOptions } from './fit.js';

const round = (n: number): number => Math.round(n * 1000) / 1000;

const INSIGHT_COLUMNS: FitColumn[] = [
  { header: 'start', priority: 1, min: 20 },
  { header: 'end', priority: 9, min: 20 },
  { header: 'min', priority: 6, min: 3 },
  { header: 'type', priority: 3, min: 10 },
  { header: 'api', priority: 2, min: 16 },
  { header: 'region', priority: 7, min: 9 },
  { header: 'principal', priority: 4, min: 16 },
  { header: 'peak/min', priority: 5, min: 8 },
  { header: 'avg/min', priority: 10, min: 7 },
  { header: 'baseline/min', priority: 8, min: 12 },
  { header: 'top principal', priority: 11, min: 16 },
];

/** The terminal form of `ctrail insights`: the windows read, then one row per insight. */
export function insightsTable(report: InsightReport, perPrincipal: boolean, color: boolean, fit: FitOptions = { width: 80, wide: false }, notes?: (line: string) => void): string {
  const out =
    `baseline ${iso(report.baselineStart)} → ${iso(report.start)}, analysed ${iso(report.start)} → ${iso(report.end)}: ` +
    `${report.insights.length} insight${report.insights.length === 1 ? '' : 's'}\n`;
  if (!report.insights.length) return out;
  const columns = INSIGHT_COLUMNS.filter((c) => perPrincipal || c.header !== 'principal');
  const rows = report.insights.map((i) => {
    const topArn = i.attributions.find((a) => a.attribute === 'userIdentityArn')?.insight[0];
    return [
      iso(i.start), iso(i.end), String(i.durationMinutes), i.insightType === 'ApiCallRateInsight' ? 'call rate' : 'error rate',
      `${serviceOf(i.eventSource)}:${i.eventName}`, i.region, ...(perPrincipal ? [i.principal ?? '-'] : []),
      String(i.peak.count), String(round(i.insight.average)), String(round(i.baseline.average)),
      topArn ? `${topArn.value} (${round((topArn.count / i.insight.total) * 100)}%)` : '-',
    ].map(neutralize);
  });
  return out + renderFitted(columns, rows, fit, color, notes);
}

/** One insight as NDJSON: times in ISO 8601, everything else as computed. */
export function insightSummary(i: Insight): Record<string, unknown> {
  return {
    ...i,
    start: iso(i.start),
    end: iso(i.end),
    peak: { time: iso(i.peak.minute), count: i.peak.count },
  };
}
