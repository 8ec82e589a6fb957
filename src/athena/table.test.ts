import { test } from 'node:test';
import assert from 'node:assert/strict';
import { athenaDdl, CLOUDTRAIL_COLUMNS, glueTableInput, hiveType, tableParameters, type HiveType, type TableSpec } from './table.js';

const spec: TableSpec = {
  database: 'ctrail',
  table: 'cloudtrail',
  location: 's3://org-trail/logs/AWSLogs/o-aa11bb22cc/',
  locationTemplate: 's3://org-trail/logs/AWSLogs/o-aa11bb22cc/${account}/CloudTrail/${region}/${day}',
  accounts: ['111122223333', '444455556666'],
  regions: ['eu-west-1', 'us-east-1'],
  firstDay: '2024/02/29',
};

test('the columns are the ones AWS documents for CloudTrail tables in Athena, in its order', () => {
  assert.deepEqual(
    CLOUDTRAIL_COLUMNS.map(([n]) => n),
    [
      'eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'useragent',
      'errorcode', 'errormessage', 'requestparameters', 'responseelements', 'additionaleventdata', 'requestid', 'eventid',
      'readonly', 'resources', 'eventtype', 'apiversion', 'recipientaccountid', 'serviceeventdetails', 'sharedeventid',
      'vpcendpointid', 'vpcendpointaccountid', 'eventcategory', 'addendum', 'sessioncredentialfromconsole',
      'edgedevicedetails', 'tlsdetails',
    ],
  );
  const type = (name: string) => hiveType(CLOUDTRAIL_COLUMNS.find(([n]) => n === name)![1]);
  assert.equal(
    type('useridentity'),
    'struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,' +
      'onbehalfof:struct<userid:string,identitystorearn:string>,sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,' +
      'sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,ec2roledelivery:string,' +
      'webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>',
  );
  assert.equal(type('resources'), 'array<struct<arn:string,accountid:string,type:string>>');
  // The JSON documents stay strings: the SQL reads inside them with json_extract, the exact matcher with ctrail's own parser.
  assert.equal(type('requestparameters'), 'string');
  assert.equal(type('tlsdetails'), 'struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>');
});

test('partition projection covers every discovered account and region, from the first day to now', () => {
  const p = tableParameters(spec);
  assert.equal(p['projection.enabled'], 'true');
  assert.equal(p['projection.account.type'], 'enum');
  assert.equal(p['projection.account.values'], '111122223333,444455556666');
  assert.equal(p['projection.region.values'], 'eu-west-1,us-east-1');
  assert.equal(p['projection.day.type'], 'date');
  assert.equal(p['projection.day.format'], 'yyyy/MM/dd');
  assert.equal(p['projection.day.range'], '2024/02/29,NOW');
  assert.equal(p['storage.location.template'], spec.locationTemplate);
  const glue = glueTableInput(spec);
  assert.deepEqual(glue.PartitionKeys, [{ Name: 'account', Type: 'string' }, { Name: 'region', Type: 'string' }, { Name: 'day', Type: 'string' }]);
  assert.equal(glue.StorageDescriptor.Location, spec.location);
  assert.equal(glue.StorageDescriptor.Columns.length, CLOUDTRAIL_COLUMNS.length);
  assert.equal(glue.TableType, 'EXTERNAL_TABLE');
});

test('the DDL states the same table: columns, partitions, SerDe, location and projection', () => {
  const ddl = athenaDdl(spec);
  assert.match(ddl, /^CREATE DATABASE IF NOT EXISTS `ctrail`;\n/);
  assert.match(ddl, /CREATE EXTERNAL TABLE `ctrail`\.`cloudtrail` \(\n  eventversion string,\n  useridentity struct<type:string,/);
  assert.match(ddl, /\n  tlsdetails struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>\n\)\n/);
  assert.match(ddl, /PARTITIONED BY \(`account` string, `region` string, `day` string\)/);
  assert.match(ddl, /ROW FORMAT SERDE 'org\.apache\.hive\.hcatalog\.data\.JsonSerDe'\nSTORED AS INPUTFORMAT 'com\.amazon\.emr\.cloudtrail\.CloudTrailInputFormat'/);
  assert.match(ddl, /LOCATION 's3:\/\/org-trail\/logs\/AWSLogs\/o-aa11bb22cc\/'/);
  assert.match(ddl, /'projection\.account\.values'='111122223333,444455556666'/);
  assert.match(ddl, /'storage\.location\.template'='s3:\/\/org-trail\/logs\/AWSLogs\/o-aa11bb22cc\/\$\{account\}\/CloudTrail\/\$\{region\}\/\$\{day\}'/);
  assert.doesNotMatch(ddl, /EXTERNAL'=/, 'EXTERNAL is what CREATE EXTERNAL says; Glue needs it as a parameter, DDL does not');
  // A quote in a bucket prefix cannot end the string early.
  assert.match(athenaDdl({ ...spec, location: "s3://b/it's/AWSLogs/" }), /LOCATION 's3:\/\/b\/it''s\/AWSLogs\/'/);
});

test('every column the generated SQL names is a column of the table setup makes', async () => {
  const { COL } = await import('./sql.js');
  const { PARTITION_COLUMNS } = await import('./table.js');
  // A path into the documented columns: top-level name, then struct fields.
  const has = (path: string): boolean => {
    const [top, ...rest] = path.split('.');
    let t: HiveType | undefined = CLOUDTRAIL_COLUMNS.find(([n]) => n === top)?.[1];
    for (const field of rest) {
      t = t !== undefined && typeof t === 'object' && 'struct' in t ? t.struct.find(([n]) => n === field)?.[1] : undefined;
    }
    return t !== undefined;
  };
  const partitions: string[] = Object.values(PARTITION_COLUMNS);
  for (const [name, column] of Object.entries(COL)) {
    if (column === '"$path"') continue; // Athena's own pseudo-column
    assert.ok(partitions.includes(column) || has(column), `COL.${name} (${column}) is not a column of the table`);
  }
});
