import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { CloudTrailEvent } from '../../src/cloudtrail/event.js';
import { layoutTrail, type TrailFile } from '../helpers/trail-builder.js';
import { repoRoot } from '../helpers/cli.js';
import { batchTerminate, chainedCrossAccount, failedThenSuccess, onlyInResources, samlUser, ssoUser } from '../helpers/forensics-scenarios.js';
import { persistenceBranch, reusedExampleKey, samlSourceIdentity, sameSessionName, threeHopChain } from '../helpers/activity-scenarios.js';

/** The demo trail, copied into the corpus as it is. */
export const DEMO_TRAIL = join(repoRoot, 'fixtures', 'demo');

/** Every generated forensics and activity scenario, laid out as one trail. */
export function scenarioEvents(): CloudTrailEvent[] {
  const chained = chainedCrossAccount();
  const reused = reusedExampleKey();
  return [
    ...chained.events,
    ...chained.identityEvents!,
    ...samlUser().events,
    ...ssoUser().events,
    ...failedThenSuccess().events,
    ...batchTerminate().events,
    ...onlyInResources().events,
    ...threeHopChain().events,
    ...samlSourceIdentity().events,
    ...persistenceBranch().events,
    ...sameSessionName().events,
    ...reused.mine,
    ...reused.unrelated,
  ];
}

/**
 * Records in the shapes ctrail reads but a careless SQL would miss: a time with an offset, a padded IPv4
 * address, a numeric errorCode, `readOnly` as text, a capitalised category, escaped slashes and a quote
 * in request parameters, the session name only in the principal id, and a session name outside the BMP
 * (one character to Athena, two UTF-16 units, so two `?`, to ctrail's globs).
 */
export const ODD_KEY = 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/14/111122223333_CloudTrail_eu-west-1_20260314T0415Z_ODDSHAPES0001.json.gz';
export const ODD_BODY = `{"Records":[
{"eventVersion":"1.08","eventTime":"2026-03-14T06:02:11+02:00","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","awsRegion":"eu-west-1","sourceIPAddress":"010.020.001.015","userAgent":"x","errorCode":7,"requestParameters":{"bucketName":"odd\\/it's-bucket"},"eventID":"odd-0001","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"111122223333","eventCategory":"Management","userIdentity":{"type":"AssumedRole","principalId":"AROAODD:night-shift","arn":"arn:aws:sts::111122223333:assumed-role/Ops/night-shift","accountId":"111122223333","accessKeyId":"ASIAODDEXAMPLE000001"}},
{"eventVersion":"1.08","eventTime":"2026-03-14T04:03:00.250Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1","sourceIPAddress":"2001:db8::7","userAgent":"x","requestParameters":{"bucketName":"data-lake-raw","key":"a%b_c\\\\d"},"eventID":"odd-0002","readOnly":"true","eventType":"AwsApiCall","recipientAccountId":"111122223333","eventCategory":"Data","managementEvent":false,"resources":[{"ARN":"arn:aws:s3:::data-lake-raw/a%b_c\\\\d","type":"AWS::S3::Object"}],"userIdentity":{"type":"IAMUser","principalId":"AIDAODD","arn":"arn:aws:iam::111122223333:user/o'brien","accountId":"111122223333","accessKeyId":"AKIAODDEXAMPLE000002","userName":"o'brien"}},
{"eventVersion":"1.05","eventTime":"2026-03-14 04:04:00","eventSource":"ec2.amazonaws.com","eventName":"TerminateInstances","awsRegion":"eu-west-1","sourceIPAddress":"10.1.2.3","eventID":"odd-0003","eventType":"AwsApiCall","recipientAccountId":"111122223333","managementEvent":false,"requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0oddshape"}]}},"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ops","accountId":"111122223333","accessKeyId":"AKIAODDEXAMPLE000003","userName":"ops"}},
{"eventVersion":"1.08","eventTime":"2026-03-14T04:05:00Z","eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","awsRegion":"eu-west-1","sourceIPAddress":"10.1.2.4","eventID":"odd-0004","eventType":"AwsApiCall","recipientAccountId":"111122223333","eventCategory":"Management","userIdentity":{"type":"AssumedRole","principalId":"AROAODD:pager-\ud83d\udea8","arn":"arn:aws:sts::111122223333:assumed-role/Ops/pager-\ud83d\udea8","accountId":"111122223333","accessKeyId":"ASIAODDEXAMPLE000004"}}
]}`;

export function corpusFiles(): TrailFile[] {
  return [...layoutTrail(scenarioEvents()), { key: ODD_KEY, events: [], body: gzipSync(ODD_BODY) }];
}
