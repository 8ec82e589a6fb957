import type { CloudTrailEvent, JsonObject, UserIdentity } from '../cloudtrail/event.js';

/**
 * Canonical CloudTrail events: the calls each CIS AWS Foundations v3.0 section 4 control (and ctrail's
 * trail-tampering rule) must alert on, and a shared set of benign calls that no alert may match. An alert is
 * judged by running its real pattern over these events, so a filter written in another form passes and one
 * that only looks like the benchmark's text fails. Each event has the shape CloudTrail writes (event
 * version 1.09), with the fields a filter could reasonably test.
 */
export interface CanonicalEvent {
  /** Short human label used in audit output, e.g. `ec2:DeleteRoute`. */
  label: string;
  event: CloudTrailEvent;
}

export interface AlertControl {
  /** Check id, e.g. `alert.cis-4.1`. */
  id: string;
  /** CIS AWS Foundations Benchmark v3.0.0 recommendation number. */
  cis?: string;
  /** AWS Security Hub control id that checks the same alarm (see the README (ctrail audit) for the mapping caveat). */
  securityHub?: string;
  title: string;
  /** How the benchmark (or ctrail, for trail tampering) writes the pattern; used in the remediation. */
  referencePattern: string;
  /** Metric name suggested in the remediation. */
  metricName: string;
  events: CanonicalEvent[];
}

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const TIME = '2026-03-02T10:15:30Z';

const iamUser: UserIdentity = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEUSER00001',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAEXAMPLEKEY00001',
  userName: 'alice',
};

const assumedRole: UserIdentity = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEROLE0001:deploy',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/deploy`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEKEY00002',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEROLE0001',
      arn: `arn:aws:iam::${ACCOUNT}:role/deployer`,
      accountId: ACCOUNT,
      userName: 'deployer',
    },
    attributes: { creationDate: '2026-03-02T09:55:00Z', mfaAuthenticated: 'false' },
  },
};

const root: UserIdentity = {
  type: 'Root',
  principalId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  accountId: ACCOUNT,
  accessKeyId: '',
};

let serial = 0;
function ids(): { requestID: string; eventID: string } {
  serial += 1;
  const n = serial.toString(16).padStart(12, '0');
  return { requestID: `c0ffee00-0000-4000-8000-${n}`, eventID: `e7e7e7e7-0000-4000-8000-${n}` };
}

interface CallSpec {
  source: string;
  name: string;
  identity?: UserIdentity;
  readOnly?: boolean;
  requestParameters?: JsonObject | null;
  responseElements?: JsonObject | null;
  errorCode?: string;
  errorMessage?: string;
  eventCategory?: 'Management' | 'Data';
  resources?: CloudTrailEvent['resources'];
}

/** An AWS API call as CloudTrail records it. */
function apiCall(spec: CallSpec): CloudTrailEvent {
  const event: CloudTrailEvent = {
    eventVersion: '1.09',
    userIdentity: spec.identity ?? iamUser,
    eventTime: TIME,
    eventSource: spec.source,
    eventName: spec.name,
    awsRegion: REGION,
    sourceIPAddress: '203.0.113.24',
    userAgent: 'aws-cli/2.15.30 md/Botocore#1.34.69 ua/2.0 os/linux#6.5 md/arch#x86_64 lang/python#3.11.8',
    ...(spec.errorCode ? { errorCode: spec.errorCode, errorMessage: spec.errorMessage ?? '' } : {}),
    requestParameters: spec.requestParameters ?? null,
    responseElements: spec.errorCode ? null : (spec.responseElements ?? null),
    ...ids(),
    readOnly: spec.readOnly ?? false,
    ...(spec.resources ? { resources: spec.resources } : {}),
    eventType: 'AwsApiCall',
    managementEvent: (spec.eventCategory ?? 'Management') === 'Management',
    recipientAccountId: ACCOUNT,
    eventCategory: spec.eventCategory ?? 'Management',
  };
  return event;
}

function consoleLogin(identity: UserIdentity, outcome: 'Success' | 'Failure', mfaUsed: 'Yes' | 'No'): CloudTrailEvent {
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: TIME,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: REGION,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0',
    ...(outcome === 'Failure' ? { errorMessage: 'Failed authentication' } : {}),
    requestParameters: null,
    responseElements: { ConsoleLogin: outcome },
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home',
      MobileVersion: 'No',
      MFAUsed: mfaUsed,
    },
    eventID: ids().eventID,
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

/** One canonical write call per event name, labelled `service:Name`. */
function writes(source: string, names: string[], parameters: (name: string) => JsonObject = () => ({})): CanonicalEvent[] {
  const service = source.split('.')[0]!;
  return names.map((name) => ({ label: `${service}:${name}`, event: apiCall({ source, name, requestParameters: parameters(name) }) }));
}

const vpcId = 'vpc-0a1b2c3d4e5f60718';

export const ALERT_CONTROLS: readonly AlertControl[] = [
  {
    id: 'alert.cis-4.1',
    cis: '4.1',
    securityHub: 'CloudWatch.2',
    title: 'Unauthorized API calls are monitored',
    referencePattern:
      '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    metricName: 'UnauthorizedAPICalls',
    events: [
      {
        label: 'ec2:RunInstances refused with Client.UnauthorizedOperation',
        event: apiCall({
          source: 'ec2.amazonaws.com',
          name: 'RunInstances',
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
          requestParameters: { instanceType: 't3.micro', instancesSet: { items: [{ imageId: 'ami-0abcdef1234567890', minCount: 1, maxCount: 1 }] } },
        }),
      },
      {
        label: 's3:GetObject refused with AccessDenied',
        event: apiCall({
          source: 's3.amazonaws.com',
          name: 'GetObject',
          readOnly: true,
          eventCategory: 'Data',
          errorCode: 'AccessDenied',
          errorMessage: 'Access Denied',
          requestParameters: { bucketName: 'finance-reports', key: 'q1.xlsx', Host: 'finance-reports.s3.us-east-1.amazonaws.com' },
        }),
      },
      {
        label: 'iam:ListUsers refused with AccessDenied',
        event: apiCall({
          source: 'iam.amazonaws.com',
          name: 'ListUsers',
          identity: assumedRole,
          readOnly: true,
          errorCode: 'AccessDenied',
          errorMessage: `User: ${assumedRole.arn} is not authorized to perform: iam:ListUsers`,
        }),
      },
    ],
  },
  {
    id: 'alert.cis-4.2',
    cis: '4.2',
    securityHub: 'CloudWatch.3',
    title: 'Management console sign-in without MFA is monitored',
    referencePattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    metricName: 'ConsoleSigninWithoutMFA',
    events: [{ label: 'signin:ConsoleLogin by an IAM user without MFA', event: consoleLogin(iamUser, 'Success', 'No') }],
  },
  {
    id: 'alert.cis-4.3',
    cis: '4.3',
    securityHub: 'CloudWatch.1',
    title: "Usage of the 'root' account is monitored",
    referencePattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    metricName: 'RootAccountUsage',
    events: [
      { label: 'signin:ConsoleLogin by root', event: consoleLogin(root, 'Success', 'Yes') },
      {
        label: 'iam:CreateAccessKey by root',
        event: apiCall({ source: 'iam.amazonaws.com', name: 'CreateAccessKey', identity: root, responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLEROOT0001', status: 'Active' } } }),
      },
    ],
  },
  {
    id: 'alert.cis-4.4',
    cis: '4.4',
    securityHub: 'CloudWatch.4',
    title: 'IAM policy changes are monitored',
    referencePattern:
      '{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = SetDefaultPolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }',
    metricName: 'IAMPolicyChanges',
    events: writes(
      'iam.amazonaws.com',
      [
        'DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy',
        'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion',
        'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy',
      ],
      () => ({ policyArn: `arn:aws:iam::${ACCOUNT}:policy/app-access` }),
    ),
  },
  {
    id: 'alert.cis-4.5',
    cis: '4.5',
    securityHub: 'CloudWatch.5',
    title: 'CloudTrail configuration changes are monitored',
    referencePattern:
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
    metricName: 'CloudTrailChanges',
    events: writes('cloudtrail.amazonaws.com', ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'], () => ({ name: 'management-events' })),
  },
  {
    id: 'alert.cis-4.6',
    cis: '4.6',
    securityHub: 'CloudWatch.6',
    title: 'AWS Management Console authentication failures are monitored',
    referencePattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    metricName: 'ConsoleSigninFailures',
    events: [{ label: 'signin:ConsoleLogin that failed authentication', event: consoleLogin({ type: 'IAMUser', principalId: iamUser.principalId, accountId: ACCOUNT, accessKeyId: '', userName: 'alice' }, 'Failure', 'No') }],
  },
  {
    id: 'alert.cis-4.7',
    cis: '4.7',
    securityHub: 'CloudWatch.7',
    title: 'Disabling or scheduled deletion of customer managed keys is monitored',
    referencePattern: '{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }',
    metricName: 'DisableOrDeleteCMK',
    events: writes('kms.amazonaws.com', ['DisableKey', 'ScheduleKeyDeletion'], () => ({ keyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` })),
  },
  {
    id: 'alert.cis-4.8',
    cis: '4.8',
    securityHub: 'CloudWatch.8',
    title: 'S3 bucket policy changes are monitored',
    referencePattern:
      '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
    metricName: 'S3BucketPolicyChanges',
    events: writes(
      's3.amazonaws.com',
      ['PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication'],
      () => ({ bucketName: 'finance-reports', Host: 'finance-reports.s3.us-east-1.amazonaws.com' }),
    ),
  },
  {
    id: 'alert.cis-4.9',
    cis: '4.9',
    securityHub: 'CloudWatch.9',
    title: 'AWS Config configuration changes are monitored',
    referencePattern:
      '{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }',
    metricName: 'AWSConfigChanges',
    events: writes('config.amazonaws.com', ['StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder']),
  },
  {
    id: 'alert.cis-4.10',
    cis: '4.10',
    securityHub: 'CloudWatch.10',
    title: 'Security group changes are monitored',
    referencePattern:
      '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
    metricName: 'SecurityGroupChanges',
    events: writes(
      'ec2.amazonaws.com',
      ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup'],
      () => ({ groupId: 'sg-0123456789abcdef0' }),
    ),
  },
  {
    id: 'alert.cis-4.11',
    cis: '4.11',
    securityHub: 'CloudWatch.11',
    title: 'Network ACL changes are monitored',
    referencePattern:
      '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
    metricName: 'NACLChanges',
    events: writes(
      'ec2.amazonaws.com',
      ['CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation'],
      () => ({ networkAclId: 'acl-0123456789abcdef0' }),
    ),
  },
  {
    id: 'alert.cis-4.12',
    cis: '4.12',
    securityHub: 'CloudWatch.12',
    title: 'Changes to network gateways are monitored',
    referencePattern:
      '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
    metricName: 'NetworkGatewayChanges',
    events: writes('ec2.amazonaws.com', [
      'CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway',
    ]),
  },
  {
    id: 'alert.cis-4.13',
    cis: '4.13',
    securityHub: 'CloudWatch.13',
    title: 'Route table changes are monitored',
    referencePattern:
      '{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }',
    metricName: 'RouteTableChanges',
    events: writes(
      'ec2.amazonaws.com',
      ['CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable'],
      () => ({ routeTableId: 'rtb-0123456789abcdef0' }),
    ),
  },
  {
    id: 'alert.cis-4.14',
    cis: '4.14',
    securityHub: 'CloudWatch.14',
    title: 'VPC changes are monitored',
    referencePattern:
      '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
    metricName: 'VPCChanges',
    events: writes(
      'ec2.amazonaws.com',
      [
        'CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection',
        'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink',
      ],
      () => ({ vpcId }),
    ),
  },
  {
    id: 'alert.cis-4.15',
    cis: '4.15',
    title: 'AWS Organizations changes are monitored',
    referencePattern:
      '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
    metricName: 'OrganizationsChanges',
    events: writes('organizations.amazonaws.com', [
      'AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization',
      'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization',
      'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit',
    ]),
  },
];

/** ctrail's own EventBridge check: the three calls that blind or rewrite a trail. */
export const TRAIL_TAMPERING: AlertControl = {
  id: 'alert.trail-tampering',
  title: 'An EventBridge rule reacts to trail tampering',
  referencePattern: JSON.stringify({
    source: ['aws.cloudtrail'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['cloudtrail.amazonaws.com'], eventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail'] },
  }),
  metricName: '',
  events: writes('cloudtrail.amazonaws.com', ['StopLogging', 'DeleteTrail', 'UpdateTrail'], () => ({ name: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management-events` })),
};

/**
 * Ordinary activity that no alert may match: reads and writes by a normal user or role, without error,
 * including calls to the same services the alerts watch (a filter on `eventSource` alone is too broad) and
 * a console sign-in with MFA (a filter on `ConsoleLogin` alone is too broad).
 */
export const BENIGN_EVENTS: readonly CanonicalEvent[] = [
  { label: 's3:GetObject', event: apiCall({ source: 's3.amazonaws.com', name: 'GetObject', readOnly: true, eventCategory: 'Data', requestParameters: { bucketName: 'app-assets', key: 'logo.png' } }) },
  { label: 's3:PutObject', event: apiCall({ source: 's3.amazonaws.com', name: 'PutObject', eventCategory: 'Data', identity: assumedRole, requestParameters: { bucketName: 'app-assets', key: 'build/42.zip' } }) },
  { label: 's3:HeadBucket', event: apiCall({ source: 's3.amazonaws.com', name: 'HeadBucket', readOnly: true, eventCategory: 'Data', requestParameters: { bucketName: 'app-assets' } }) },
  { label: 's3:ListBuckets', event: apiCall({ source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true }) },
  { label: 's3:GetBucketPolicy', event: apiCall({ source: 's3.amazonaws.com', name: 'GetBucketPolicy', readOnly: true, requestParameters: { bucketName: 'app-assets', policy: '' } }) },
  { label: 'ec2:DescribeInstances', event: apiCall({ source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true }) },
  { label: 'ec2:DescribeSecurityGroups', event: apiCall({ source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', readOnly: true }) },
  { label: 'ec2:DescribeRouteTables', event: apiCall({ source: 'ec2.amazonaws.com', name: 'DescribeRouteTables', readOnly: true, requestParameters: { filterSet: { items: [{ name: 'vpc-id', valueSet: { items: [{ value: vpcId }] } }] } } }) },
  { label: 'ec2:DescribeVpcs', event: apiCall({ source: 'ec2.amazonaws.com', name: 'DescribeVpcs', readOnly: true }) },
  { label: 'ec2:CreateTags', event: apiCall({ source: 'ec2.amazonaws.com', name: 'CreateTags', identity: assumedRole, requestParameters: { resourcesSet: { items: [{ resourceId: 'i-0123456789abcdef0' }] } } }) },
  { label: 'ec2:RunInstances', event: apiCall({ source: 'ec2.amazonaws.com', name: 'RunInstances', identity: assumedRole, requestParameters: { instanceType: 't3.micro' } }) },
  { label: 'iam:GetUser', event: apiCall({ source: 'iam.amazonaws.com', name: 'GetUser', readOnly: true }) },
  { label: 'iam:ListPolicies', event: apiCall({ source: 'iam.amazonaws.com', name: 'ListPolicies', readOnly: true }) },
  { label: 'iam:CreateUser', event: apiCall({ source: 'iam.amazonaws.com', name: 'CreateUser', identity: assumedRole, requestParameters: { userName: 'build-bot' } }) },
  { label: 'sts:AssumeRole', event: apiCall({ source: 'sts.amazonaws.com', name: 'AssumeRole', readOnly: true, requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/deployer`, roleSessionName: 'deploy' } }) },
  { label: 'kms:Decrypt', event: apiCall({ source: 'kms.amazonaws.com', name: 'Decrypt', readOnly: true, identity: assumedRole }) },
  { label: 'kms:CreateKey', event: apiCall({ source: 'kms.amazonaws.com', name: 'CreateKey', identity: assumedRole }) },
  { label: 'cloudtrail:DescribeTrails', event: apiCall({ source: 'cloudtrail.amazonaws.com', name: 'DescribeTrails', readOnly: true }) },
  { label: 'cloudtrail:LookupEvents', event: apiCall({ source: 'cloudtrail.amazonaws.com', name: 'LookupEvents', readOnly: true }) },
  { label: 'config:DescribeConfigurationRecorders', event: apiCall({ source: 'config.amazonaws.com', name: 'DescribeConfigurationRecorders', readOnly: true }) },
  { label: 'organizations:DescribeOrganization', event: apiCall({ source: 'organizations.amazonaws.com', name: 'DescribeOrganization', readOnly: true }) },
  { label: 'dynamodb:PutItem', event: apiCall({ source: 'dynamodb.amazonaws.com', name: 'PutItem', identity: assumedRole, eventCategory: 'Data', requestParameters: { tableName: 'orders' } }) },
  { label: 'lambda:UpdateFunctionCode', event: apiCall({ source: 'lambda.amazonaws.com', name: 'UpdateFunctionCode20150331v2', identity: assumedRole, requestParameters: { functionName: 'checkout' } }) },
  { label: 'signin:ConsoleLogin by an IAM user with MFA', event: consoleLogin(iamUser, 'Success', 'Yes') },
];
