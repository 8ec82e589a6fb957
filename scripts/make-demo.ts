/**
 * Writes fixtures/demo/: a small trail, laid out as S3 keys, with one incident in it.
 * Run `npm run build && node dist/scripts/make-demo.js` to regenerate; the output is deterministic.
 *
 * The story (2026-03-14, account 111122223333):
 *  03:41  IAM user ops-admin signs in to the console with MFA.
 *  03:55  ops-admin's access key assumes role Admin as session "ops-session".
 *  03:58  the CI role tries to delete DynamoDB table `orders` and is denied.
 *  04:02  the Admin/ops-session deletes table `orders`.
 *  04:03  the same session stops logging on trail `management-trail`.
 * Around it: an application role reading and writing items, monitoring in eu-west-1, console reads,
 * and a same-named `orders` table created in another account (a decoy for `find-deletion`).
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CloudTrailEvent } from '../src/cloudtrail/event.js';
import { assumedRole, iamUser, layoutTrail, makeEvent, roleId, stableId, writeTrail } from '../test/helpers/trail-builder.js';

const PROD = '111122223333';
const DEV = '444455556666';
const OPS_KEY = 'AKIAZ7OPSADMINKEY001';
const ADMIN_SESSION_KEY = 'ASIAZ7ADMINSESSION01';
const CI_SESSION_KEY = 'ASIAZ7CIDEPLOYER0001';
const APP_SESSION_KEY = 'ASIAZ7ORDERSAPP00001';
const MON_SESSION_KEY = 'ASIAZ7MONITORING0001';
const OPS_IP = '203.0.113.77';

function at(hms: string, day = '2026-03-14'): string {
  return `${day}T${hms}Z`;
}

function demoEvents(): CloudTrailEvent[] {
  const events: CloudTrailEvent[] = [];
  const ops = iamUser(PROD, 'ops-admin', OPS_KEY);
  const admin = assumedRole(PROD, 'Admin', 'ops-session', ADMIN_SESSION_KEY, at('03:55:02'));
  const ci = assumedRole(PROD, 'ci-deployer', 'codebuild-4711', CI_SESSION_KEY, at('03:20:00'));
  const app = assumedRole(PROD, 'orders-api', 'i-0a1b2c3d4e5f60718', APP_SESSION_KEY, at('03:00:00'));
  app.sessionContext!.ec2RoleDelivery = '2.0';
  const mon = assumedRole(PROD, 'monitoring', 'collector', MON_SESSION_KEY, at('03:00:00'));
  const tableArn = `arn:aws:dynamodb:us-east-1:${PROD}:table/orders`;

  // Background: the application reads and writes items every minute (data events) from 03:30 to 04:02.
  for (let m = 30; m <= 61; m++) {
    const hh = m < 60 ? '03' : '04';
    const mm = String(m % 60).padStart(2, '0');
    for (const [sec, name] of [['07', 'GetItem'], ['31', 'PutItem']] as const) {
      events.push(
        makeEvent({
          eventTime: at(`${hh}:${mm}:${sec}`),
          eventSource: 'dynamodb.amazonaws.com',
          eventName: name,
          userIdentity: app,
          sourceIPAddress: '10.20.1.15',
          userAgent: 'aws-sdk-java/2.25.11 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.10',
          requestParameters: { tableName: 'orders', key: { orderId: { S: `ord-${m}${sec}` } } },
          managementEvent: false,
          eventCategory: 'Data',
          readOnly: name === 'GetItem',
          resources: [{ accountId: PROD, type: 'AWS::DynamoDB::Table', ARN: tableArn }],
        }),
      );
    }
  }
  // Monitoring in eu-west-1 every 5 minutes, including one just before midnight the previous day.
  const monTimes = [at('23:58:30', '2026-03-13')];
  for (let m = 30; m <= 65; m += 5) monTimes.push(at(`${m < 60 ? '03' : '04'}:${String(m % 60).padStart(2, '0')}:12`));
  for (const t of monTimes) {
    events.push(
      makeEvent({ eventTime: t, eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', userIdentity: mon, awsRegion: 'eu-west-1', sourceIPAddress: '34.240.11.9', userAgent: 'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux', requestParameters: { instancesSet: {}, filterSet: {} } }),
      makeEvent({ eventTime: t.replace(':12Z', ':14Z'), eventSource: 'cloudwatch.amazonaws.com', eventName: 'GetMetricData', userIdentity: mon, awsRegion: 'eu-west-1', sourceIPAddress: '34.240.11.9', userAgent: 'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux', requestParameters: { startTime: t, endTime: t } }),
    );
  }
  // The incident.
  events.push(
    makeEvent({
      eventTime: at('03:41:12'),
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      userIdentity: { type: 'IAMUser', principalId: ops.principalId!, arn: ops.arn!, accountId: PROD, userName: 'ops-admin' },
      sourceIPAddress: OPS_IP,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0',
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'Yes' },
      eventType: 'AwsConsoleSignIn',
      readOnly: false,
    }),
    makeEvent({
      eventTime: at('03:55:02'),
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      userIdentity: ops,
      sourceIPAddress: OPS_IP,
      requestParameters: { roleArn: `arn:aws:iam::${PROD}:role/Admin`, roleSessionName: 'ops-session', durationSeconds: 3600 },
      responseElements: {
        credentials: { accessKeyId: ADMIN_SESSION_KEY, sessionToken: 'IQoJb3JpZ2luX2VjEDEMO', expiration: 'Mar 14, 2026, 4:55:02 AM' },
        assumedRoleUser: { assumedRoleId: `${roleId(PROD, 'Admin')}:ops-session`, arn: `arn:aws:sts::${PROD}:assumed-role/Admin/ops-session` },
      },
      resources: [
        { accountId: PROD, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${PROD}:role/Admin` },
        { accountId: PROD, type: 'AWS::STS::AssumeRoleSessionName', ARN: `arn:aws:sts::${PROD}:assumed-role/Admin/ops-session` },
      ],
      readOnly: true,
    }),
    makeEvent({ eventTime: at('03:56:10'), eventSource: 'dynamodb.amazonaws.com', eventName: 'ListTables', userIdentity: admin, sourceIPAddress: OPS_IP, requestParameters: {} }),
    makeEvent({ eventTime: at('03:57:30'), eventSource: 'dynamodb.amazonaws.com', eventName: 'DescribeTable', userIdentity: admin, sourceIPAddress: OPS_IP, requestParameters: { tableName: 'orders' }, resources: [{ accountId: PROD, type: 'AWS::DynamoDB::Table', ARN: tableArn }] }),
    makeEvent({
      eventTime: at('03:58:40'),
      eventSource: 'dynamodb.amazonaws.com',
      eventName: 'DeleteTable',
      userIdentity: ci,
      sourceIPAddress: 'codebuild.amazonaws.com',
      userAgent: 'codebuild.amazonaws.com',
      errorCode: 'AccessDenied',
      errorMessage: `User: arn:aws:sts::${PROD}:assumed-role/ci-deployer/codebuild-4711 is not authorized to perform: dynamodb:DeleteTable on resource: ${tableArn} because no identity-based policy allows the dynamodb:DeleteTable action`,
      requestParameters: { tableName: 'orders' },
      readOnly: false,
    }),
    makeEvent({
      eventTime: at('04:02:11'),
      eventSource: 'dynamodb.amazonaws.com',
      eventName: 'DeleteTable',
      userIdentity: admin,
      sourceIPAddress: OPS_IP,
      requestParameters: { tableName: 'orders' },
      responseElements: { tableDescription: { tableName: 'orders', tableArn, tableStatus: 'DELETING', tableId: stableId('table', 'orders').slice(0, 36) } },
      resources: [{ accountId: PROD, type: 'AWS::DynamoDB::Table', ARN: tableArn }],
      readOnly: false,
    }),
    makeEvent({
      eventTime: at('04:03:40'),
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'StopLogging',
      userIdentity: admin,
      sourceIPAddress: OPS_IP,
      requestParameters: { name: `arn:aws:cloudtrail:us-east-1:${PROD}:trail/management-trail` },
      resources: [{ accountId: PROD, type: 'AWS::CloudTrail::Trail', ARN: `arn:aws:cloudtrail:us-east-1:${PROD}:trail/management-trail` }],
      readOnly: false,
    }),
  );
  // The decoy: a table of the same name created (not deleted) in the dev account.
  const dev = iamUser(DEV, 'developer', 'AKIAZ7DEVELOPER00001');
  events.push(
    makeEvent({
      eventTime: at('03:45:00'),
      eventSource: 'dynamodb.amazonaws.com',
      eventName: 'CreateTable',
      userIdentity: dev,
      recipientAccountId: DEV,
      sourceIPAddress: '192.0.2.10',
      requestParameters: { tableName: 'orders', billingMode: 'PAY_PER_REQUEST' },
      responseElements: { tableDescription: { tableName: 'orders', tableArn: `arn:aws:dynamodb:us-east-1:${DEV}:table/orders`, tableStatus: 'CREATING' } },
      readOnly: false,
    }),
  );
  return events;
}

const out = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url));
rmSync(out + 'AWSLogs', { recursive: true, force: true });
const files = layoutTrail(demoEvents());
writeTrail(out, files);
console.log(`wrote ${files.length} files with ${files.reduce((n, f) => n + f.events.length, 0)} events to ${out}`);
