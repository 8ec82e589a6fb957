import type { Insight, InsightReport } from '../analytics/insights.js';
import { isoTime as iso } from '../cloudtrail/time.js';
import { serviceOf } from '../cloudtrail/arn.js';
import { neutralize } from './sanitize.js';
import { newTable } from './table.js';

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** The terminal form of `ctrail insights`: the windows read, then one row per insight. */
export function insightsTable(report: InsightReport, perPrincipal: boolean, color: boolean): string {
  let out =
    `baseline ${iso(report.baselineStart)} → ${iso(report.start)}, analysed ${iso(report.start)} → ${iso(report.end)}: ` +
    `${report.insights.length} insight${report.insights.length === 1 ? '' : 's'}\n`;
  if (!report.insights.length) return out;
  const head = ['start', 'end', 'min', 'type', 'api', 'region', ...(perPrincipal ? ['principal'] : []), 'peak/min', 'avg/min', 'baseline/min', 'top principal'];
  const table = newTable(head, color);
  for (const i of report.insights) {
    const topArn = i.attributions.find((a) => a.attribute === 'userIdentityArn')?.insight[0];
    table.push(
      [
        iso(i.start), iso(i.end), String(i.durationMinutes), i.insightType === 'ApiCallRateInsight' ? 'call rate' : 'error rate',
        `${serviceOf(i.eventSource)}:${i.eventName}`, i.region, ...(perPrincipal ? [i.principal ?? '-'] : []),
        String(i.peak.count), String(round(i.insight.average)), String(round(i.baseline.average)),
        topArn ? `${topArn.value} (${round((topArn.count / i.insight.total) * 100)}%)` : '-',
      ].map(neutralize),
    );
  }
  return out + table.toString() + '\n';
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
