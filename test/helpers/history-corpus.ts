import type { CorpusEvent } from './lookup-events-standin.js';

/**
 * A deterministic, realistic CloudTrail corpus with recent timestamps (CloudWatch Logs refuses events older
 * than 14 days; event history keeps 90), for loading the same events into event history, a log group and
 * a trail folder. Shapes follow CloudTrail's record format (eventVersion 1.09 fields; Insights events as in
 * fixtures/real/streamalert/insights-log-file.json).
 */
export const CORPUS_ACCOUNT = '111122223333';

const ACTIONS: ReadonlyArray<{ eventSource: string; eventName: string; readOnly: boolean; resource?: (i: number) => { ARN: string; type: string } }> = [
  { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', readOnly: true },
  { eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', readOnly: true },
  { eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', readOnly: false, resource: (i) => ({ ARN: `arn:aws:iam::${CORPUS_ACCOUNT}:user/user${i % 3}`, type: 'AWS::IAM::User' }) },
  { eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket', readOnly: false, resource: (i) => ({ ARN: `arn:aws:s3:::evidence-${i % 4}`, type: 'AWS::S3::Bucket' }) },
  { eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', readOnly: false },
  { eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', readOnly: false, resource: (i) => ({ ARN: `arn:aws:ec2:us-east-1:${CORPUS_ACCOUNT}:instance/i-0${i}`, type: 'AWS::EC2::Instance' }) },
  { eventSource: 'cloudtrail.amazonaws.com', eventName: 'StopLogging', readOnly: false, resource: () => ({ ARN: `arn:aws:cloudtrail:us-east-1:${CORPUS_ACCOUNT}:trail/main`, type: 'AWS::CloudTrail::Trail' }) },
];

function identity(i: number): Record<string, unknown> {
  if (i % 5 === 0) {
    return {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEROLE:session-${i % 2}`,
      arn: `arn:aws:sts::${CORPUS_ACCOUNT}:assumed-role/Responder/session-${i % 2}`,
      accountId: CORPUS_ACCOUNT,
      accessKeyId: `ASIAEXAMPLE${String(i % 4).padStart(9, '0')}`,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLE', arn: `arn:aws:iam::${CORPUS_ACCOUNT}:role/Responder`, accountId: CORPUS_ACCOUNT, userName: 'Responder' },
        attributes: { creationDate: '2026-01-01T00:00:00Z', mfaAuthenticated: 'false' },
      },
    };
  }
  const user = ['alice', 'bob', 'mallory'][i % 3]!;
  return {
    type: 'IAMUser',
    principalId: `AIDAEXAMPLE${user.toUpperCase()}`,
    arn: `arn:aws:iam::${CORPUS_ACCOUNT}:user/${user}`,
    accountId: CORPUS_ACCOUNT,
    accessKeyId: `AKIAEXAMPLE${user.toUpperCase().padEnd(9, 'X')}`,
    userName: user,
  };
}

export interface CorpusOptions {
  perRegion: number;
  regions: readonly string[];
  /** Newest event time; events go back one minute each. */
  newest: Date;
  /** Also add this many data events (GetObject) and Insights events per region. */
  dataEvents?: number;
  insightEvents?: number;
}

export function buildCorpus(opts: CorpusOptions): CorpusEvent[] {
  const out: CorpusEvent[] = [];
  for (const [r, region] of opts.regions.entries()) {
    for (let i = 0; i < opts.perRegion; i++) {
      const action = ACTIONS[i % ACTIONS.length]!;
      const time = new Date(opts.newest.getTime() - (i * 60 + r) * 1000);
      out.push({
        eventVersion: '1.09',
        userIdentity: identity(i),
        eventTime: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        eventSource: action.eventSource,
        eventName: action.eventName,
        awsRegion: region,
        sourceIPAddress: `198.51.100.${i % 250}`,
        userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64',
        requestParameters: action.resource ? { name: action.resource(i).ARN } : null,
        responseElements: null,
        requestID: `req-${region}-${i}`,
        eventID: `${String(r).padStart(2, '0')}${String(i).padStart(6, '0')}-1111-4222-8333-444455556666`,
        readOnly: action.readOnly,
        ...(action.resource ? { resources: [{ accountId: CORPUS_ACCOUNT, type: action.resource(i).type, ARN: action.resource(i).ARN }] } : {}),
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: CORPUS_ACCOUNT,
        eventCategory: 'Management',
      });
    }
    for (let i = 0; i < (opts.dataEvents ?? 0); i++) {
      out.push({
        eventVersion: '1.09',
        userIdentity: identity(i),
        eventTime: new Date(opts.newest.getTime() - (i * 90 + 17) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        awsRegion: region,
        sourceIPAddress: '198.51.100.7',
        requestParameters: { bucketName: 'evidence-0', key: `k${i}` },
        responseElements: null,
        eventID: `${String(r).padStart(2, '0')}d${String(i).padStart(5, '0')}-1111-4222-8333-444455556666`,
        readOnly: true,
        resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::evidence-0/k${i}` }],
        eventType: 'AwsApiCall',
        managementEvent: false,
        recipientAccountId: CORPUS_ACCOUNT,
        eventCategory: 'Data',
      });
    }
    for (let i = 0; i < (opts.insightEvents ?? 0); i++) {
      out.push({
        eventVersion: '1.08',
        eventTime: new Date(opts.newest.getTime() - (i * 300 + 29) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        awsRegion: region,
        eventID: `${String(r).padStart(2, '0')}i${String(i).padStart(5, '0')}-1111-4222-8333-444455556666`,
        eventType: 'AwsCloudTrailInsight',
        recipientAccountId: CORPUS_ACCOUNT,
        sharedEventID: `shared-${region}-${i}`,
        insightDetails: { state: 'Start', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', insightType: 'ApiCallRateInsight' },
        eventCategory: 'Insight',
      });
    }
  }
  return out;
}
