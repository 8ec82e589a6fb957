import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientConfig } from '../source/aws-clients.js';
import type { AwsOptions } from '../source/aws.js';
import type { AlarmFacts, EventRuleFacts, LogGroupFacts, MetricFilterFacts, SubscriptionFacts, TrailFacts } from './facts.js';
import { read } from './read-util.js';
import { arnRegion } from '../cloudtrail/arn.js';
import type { Read } from './types.js';

/** `arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]` → NAME. */
export function logGroupName(arn: string): string {
  const after = arn.slice(arn.indexOf(':log-group:') + ':log-group:'.length);
  return after.replace(/:\*$/, '');
}

function withClient<C extends { destroy(): void }, T>(client: C, use: (c: C) => Promise<T>): Promise<T> {
  return use(client).finally(() => client.destroy());
}

/** Metric filters of every log group that a trail delivers to. */
export async function readLogGroups(aws: AwsOptions, trails: TrailFacts[]): Promise<LogGroupFacts[]> {
  const byArn = new Map<string, LogGroupFacts>();
  for (const t of trails) {
    if (!t.cloudWatchLogsLogGroupArn) continue;
    const arn = t.cloudWatchLogsLogGroupArn.replace(/:\*$/, '');
    const group = byArn.get(arn) ?? { arn, name: logGroupName(arn), region: arnRegion(arn) || t.homeRegion, trails: [], metricFilters: { ok: true, value: [] } };
    group.trails.push(t.arn);
    byArn.set(arn, group);
  }
  for (const group of byArn.values()) {
    group.metricFilters = await withClient(new CloudWatchLogsClient(clientConfig('CloudWatch Logs', aws, group.region)), (logs) =>
      read(async () => {
        const found: MetricFilterFacts[] = [];
        let token: string | undefined;
        do {
          const page = await logs.send(new DescribeMetricFiltersCommand({ logGroupName: group.name, nextToken: token }));
          for (const f of page.metricFilters ?? []) {
            found.push({
              name: f.filterName ?? '',
              pattern: f.filterPattern ?? '',
              metrics: (f.metricTransformations ?? []).map((m) => ({ name: m.metricName ?? '', namespace: m.metricNamespace ?? '' })),
            });
          }
          token = page.nextToken;
        } while (token);
        return found;
      }),
    );
  }
  return [...byArn.values()];
}

export async function readAlarms(aws: AwsOptions, region: string): Promise<Read<AlarmFacts[]>> {
  return withClient(new CloudWatchClient(clientConfig('CloudWatch', aws, region)), (cw) =>
    read(async () => {
      const found: AlarmFacts[] = [];
      let token: string | undefined;
      do {
        const page = await cw.send(new DescribeAlarmsCommand({ NextToken: token }));
        for (const a of page.MetricAlarms ?? []) {
          found.push({
            name: a.AlarmName ?? '',
            arn: a.AlarmArn,
            metricName: a.MetricName,
            namespace: a.Namespace,
            actionsEnabled: a.ActionsEnabled !== false,
            alarmActions: a.AlarmActions ?? [],
          });
        }
        token = page.NextToken;
      } while (token);
      return found;
    }),
  );
}

export async function readSubscriptions(aws: AwsOptions, topicArn: string): Promise<Read<SubscriptionFacts[]>> {
  return withClient(new SNSClient(clientConfig('SNS', aws, arnRegion(topicArn))), (sns) =>
    read(async () => {
      const found: SubscriptionFacts[] = [];
      let token: string | undefined;
      do {
        const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
        for (const s of page.Subscriptions ?? []) found.push({ arn: s.SubscriptionArn ?? '', protocol: s.Protocol, endpoint: s.Endpoint });
        token = page.NextToken;
      } while (token);
      return found;
    }),
  );
}

/** Rules on the default event bus, which is where CloudTrail's API-call events arrive. */
export async function readEventRules(aws: AwsOptions, region: string): Promise<Read<EventRuleFacts[]>> {
  return withClient(new EventBridgeClient(clientConfig('EventBridge', aws, region)), (eb) =>
    read(async () => {
      const found: EventRuleFacts[] = [];
      let token: string | undefined;
      do {
        const page = await eb.send(new ListRulesCommand({ NextToken: token }));
        for (const r of page.Rules ?? []) {
          const name = r.Name ?? '';
          const targets = await read(async () => {
            const t: { id?: string; arn?: string }[] = [];
            let next: string | undefined;
            do {
              const p = await eb.send(new ListTargetsByRuleCommand({ Rule: name, NextToken: next }));
              for (const x of p.Targets ?? []) t.push({ id: x.Id, arn: x.Arn });
              next = p.NextToken;
            } while (next);
            return t;
          });
          found.push({ name, arn: r.Arn, state: r.State, eventPattern: r.EventPattern, targets });
        }
        token = page.NextToken;
      } while (token);
      return found;
    }),
  );
}
