import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ConfigError, describeError } from '../errors.js';
import { clientConfig } from '../source/aws-clients.js';
import { asConfigErrorIfFatal, type AwsOptions } from '../source/aws.js';
import type { AccountFacts } from './facts.js';
import { readAlarms, readEventRules, readLogGroups, readSubscriptions } from './read-alerting.js';
import { readBuckets } from './read-buckets.js';
import { discoverTrails, RegionalClients, selectTrails } from './read-trails.js';
import { arnRegion, parseArn } from '../cloudtrail/arn.js';

export interface CollectOptions {
  aws: AwsOptions;
  /** `--region`: where to look for trails (default: the SDK's region). */
  regions: string[];
  /** `--trail NAME|ARN`: audit only these trails (empty: all). */
  trails: string[];
}

async function callerAccount(aws: AwsOptions, region: string): Promise<string> {
  const sts = new STSClient(clientConfig('STS', aws, region));
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    if (!id.Account) throw new ConfigError('STS GetCallerIdentity returned no account');
    return id.Account;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw asConfigErrorIfFatal(err, 'sts') ?? new ConfigError(`cannot identify the account (sts GetCallerIdentity: ${describeError(err)})`);
  } finally {
    sts.destroy();
  }
}

/** Reads everything the checks need. Throws a ConfigError only when nothing can be audited at all. */
export async function collectFacts(opts: CollectOptions): Promise<AccountFacts> {
  const baseRegion = opts.regions[0] ?? clientConfig('STS', opts.aws).region;
  const account = await callerAccount(opts.aws, baseRegion);
  const listRegions = opts.regions.length ? [...new Set(opts.regions)] : [baseRegion];
  const cloudtrail = new RegionalClients((region) => new CloudTrailClient(clientConfig('CloudTrail', opts.aws, region)));
  let discovery;
  try {
    discovery = await discoverTrails(opts.aws, listRegions, cloudtrail);
  } finally {
    cloudtrail.destroy();
  }
  const trails = selectTrails(discovery.trails, opts.trails);
  if (opts.trails.length) {
    const missing = opts.trails.filter((w) => !trails.some((t) => t.arn === w || t.name === w));
    if (missing.length && discovery.listErrors.length === 0) {
      throw new ConfigError(`no such trail in ${listRegions.join(', ')}: ${missing.join(', ')}`);
    }
  }
  const buckets = await readBuckets(opts.aws, account, trails, baseRegion);
  const logGroups = await readLogGroups(opts.aws, trails);

  const regions = new Set(listRegions);
  for (const t of trails) regions.add(t.homeRegion);
  for (const g of logGroups) regions.add(g.region);

  const alarms: AccountFacts['alarms'] = {};
  for (const region of new Set(logGroups.map((g) => g.region))) alarms[region] = await readAlarms(opts.aws, region);
  const topics = new Set<string>();
  for (const r of Object.values(alarms)) {
    if (r.ok) for (const a of r.value) for (const action of a.alarmActions) if (parseArn(action)?.service === 'sns') topics.add(action);
  }
  const topicSubscriptions: AccountFacts['topicSubscriptions'] = {};
  for (const topic of [...topics].sort()) {
    if (arnRegion(topic)) topicSubscriptions[topic] = await readSubscriptions(opts.aws, topic);
  }
  const eventRules: AccountFacts['eventRules'] = {};
  for (const region of [...regions].sort()) eventRules[region] = await readEventRules(opts.aws, region);

  return {
    account,
    regions: [...regions].sort(),
    trails,
    trailListErrors: discovery.listErrors,
    buckets,
    logGroups,
    alarms,
    topicSubscriptions,
    eventRules,
  };
}
