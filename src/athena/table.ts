/**
 * The Athena table over a trail bucket: the CloudTrail columns as AWS documents them for Athena ("Create the
 * table for CloudTrail logs in Athena using partition projection", Athena User Guide), and partition
 * projection over the organization trail layout, so that one table covers every account and region and
 * never needs ALTER TABLE ADD PARTITION.
 *
 * The same description renders two ways: as the Glue TableInput that `athena setup` writes, and as the
 * Athena DDL that `--print` shows. Both come from the data below, so they cannot disagree.
 */

/** A Hive type: a primitive name, or a struct / array / map of types. */
export type HiveType = string | { struct: ReadonlyArray<readonly [string, HiveType]> } | { array: HiveType } | { map: readonly [HiveType, HiveType] };

const s = 'string';
const struct = (...fields: Array<readonly [string, HiveType]>): HiveType => ({ struct: fields });

/** In AWS's order. Names are lower case because Athena folds them; the SerDe matches JSON keys case-blind. */
export const CLOUDTRAIL_COLUMNS: ReadonlyArray<readonly [string, HiveType]> = [
  ['eventversion', s],
  [
    'useridentity',
    struct(
      ['type', s],
      ['principalid', s],
      ['arn', s],
      ['accountid', s],
      ['invokedby', s],
      ['accesskeyid', s],
      ['username', s],
      ['onbehalfof', struct(['userid', s], ['identitystorearn', s])],
      [
        'sessioncontext',
        struct(
          ['attributes', struct(['mfaauthenticated', s], ['creationdate', s])],
          ['sessionissuer', struct(['type', s], ['principalid', s], ['arn', s], ['accountid', s], ['username', s])],
          ['ec2roledelivery', s],
          ['webidfederationdata', struct(['federatedprovider', s], ['attributes', { map: [s, s] }])],
        ),
      ],
    ),
  ],
  ['eventtime', s],
  ['eventsource', s],
  ['eventname', s],
  ['awsregion', s],
  ['sourceipaddress', s],
  ['useragent', s],
  ['errorcode', s],
  ['errormessage', s],
  ['requestparameters', s],
  ['responseelements', s],
  ['additionaleventdata', s],
  ['requestid', s],
  ['eventid', s],
  ['readonly', s],
  ['resources', { array: struct(['arn', s], ['accountid', s], ['type', s]) }],
  ['eventtype', s],
  ['apiversion', s],
  ['recipientaccountid', s],
  ['serviceeventdetails', s],
  ['sharedeventid', s],
  ['vpcendpointid', s],
  ['vpcendpointaccountid', s],
  ['eventcategory', s],
  ['addendum', struct(['reason', s], ['updatedfields', s], ['originalrequestid', s], ['originaleventid', s])],
  ['sessioncredentialfromconsole', s],
  ['edgedevicedetails', s],
  ['tlsdetails', struct(['tlsversion', s], ['ciphersuite', s], ['clientprovidedhostheader', s])],
];

/**
 * The partition columns, in key order: `…/AWSLogs/o-…/<account>/CloudTrail/<region>/<day>/`. The SQL that
 * `--engine athena` writes prunes on these; `day` is a `yyyy/MM/dd` string, as the folders spell it.
 */
export const PARTITION_COLUMNS = { account: 'account', region: 'region', day: 'day' } as const;
export const DAY_FORMAT = 'yyyy/MM/dd';

/** As AWS documents for CloudTrail: JSON records, and an input format that reads CloudTrail's `Records` files. */
export const SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe';
export const INPUT_FORMAT = 'com.amazon.emr.cloudtrail.CloudTrailInputFormat';
export const OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/** What the table is built from: the discovered layout, already rendered to S3 addresses by cloudtrail/layout.ts. */
export interface TableSpec {
  database: string;
  table: string;
  /** `s3://bucket/prefix/AWSLogs/[o-…/]`: where every account folder sits. */
  location: string;
  /** `storage.location.template`, with `${account}`, `${region}` and `${day}` in it. */
  locationTemplate: string;
  accounts: readonly string[];
  regions: readonly string[];
  /** `yyyy/MM/dd` of the oldest day folder found. */
  firstDay: string;
}

export function hiveType(t: HiveType): string {
  if (typeof t === 'string') return t;
  if ('struct' in t) return `struct<${t.struct.map(([n, f]) => `${n}:${hiveType(f)}`).join(',')}>`;
  if ('array' in t) return `array<${hiveType(t.array)}>`;
  return `map<${hiveType(t.map[0])},${hiveType(t.map[1])}>`;
}

export const CREATED_BY = 'created_by';

/** The table properties: partition projection, which lets Athena compute partitions instead of listing them. */
export function tableParameters(spec: TableSpec): Record<string, string> {
  const { account, region, day } = PARTITION_COLUMNS;
  return {
    EXTERNAL: 'TRUE',
    classification: 'cloudtrail',
    // How a later `athena setup` knows the table is its own to update, and not someone's hand-made one.
    [CREATED_BY]: 'ctrail',
    'projection.enabled': 'true',
    [`projection.${account}.type`]: 'enum',
    [`projection.${account}.values`]: spec.accounts.join(','),
    [`projection.${region}.type`]: 'enum',
    [`projection.${region}.values`]: spec.regions.join(','),
    [`projection.${day}.type`]: 'date',
    [`projection.${day}.format`]: DAY_FORMAT,
    [`projection.${day}.range`]: `${spec.firstDay},NOW`,
    [`projection.${day}.interval`]: '1',
    [`projection.${day}.interval.unit`]: 'DAYS',
    'storage.location.template': spec.locationTemplate,
  };
}

/** The Glue TableInput (CreateTable / UpdateTable), typed structurally so this module loads no SDK. */
export interface GlueTableInput {
  Name: string;
  TableType: string;
  Parameters: Record<string, string>;
  PartitionKeys: Array<{ Name: string; Type: string }>;
  StorageDescriptor: {
    Columns: Array<{ Name: string; Type: string }>;
    Location: string;
    InputFormat: string;
    OutputFormat: string;
    SerdeInfo: { SerializationLibrary: string; Parameters: Record<string, string> };
  };
}

export function glueTableInput(spec: TableSpec): GlueTableInput {
  return {
    Name: spec.table,
    TableType: 'EXTERNAL_TABLE',
    Parameters: tableParameters(spec),
    PartitionKeys: Object.values(PARTITION_COLUMNS).map((Name) => ({ Name, Type: 'string' })),
    StorageDescriptor: {
      Columns: CLOUDTRAIL_COLUMNS.map(([Name, t]) => ({ Name, Type: hiveType(t) })),
      Location: spec.location,
      InputFormat: INPUT_FORMAT,
      OutputFormat: OUTPUT_FORMAT,
      SerdeInfo: { SerializationLibrary: SERDE, Parameters: { 'serialization.format': '1' } },
    },
  };
}

/** Names come from flags: Athena's own rule (letters, digits, underscore) keeps them safe to quote anywhere. */
export const NAME_RE = /^[a-z0-9_]{1,255}$/;

function sqlString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/** The Athena DDL that creates the same database and table (`athena setup --print`). */
export function athenaDdl(spec: TableSpec): string {
  const cols = CLOUDTRAIL_COLUMNS.map(([n, t]) => `  ${n} ${hiveType(t)}`);
  const params = tableParameters(spec);
  delete params.EXTERNAL;
  const props = Object.entries(params).map(([k, v]) => `  ${sqlString(k)}=${sqlString(v)}`);
  return [
    `CREATE DATABASE IF NOT EXISTS \`${spec.database}\`;`,
    '',
    `CREATE EXTERNAL TABLE \`${spec.database}\`.\`${spec.table}\` (`,
    cols.join(',\n'),
    ')',
    `PARTITIONED BY (${Object.values(PARTITION_COLUMNS).map((n) => `\`${n}\` string`).join(', ')})`,
    `ROW FORMAT SERDE ${sqlString(SERDE)}`,
    `STORED AS INPUTFORMAT ${sqlString(INPUT_FORMAT)}`,
    `OUTPUTFORMAT ${sqlString(OUTPUT_FORMAT)}`,
    `LOCATION ${sqlString(spec.location)}`,
    'TBLPROPERTIES (',
    props.join(',\n'),
    ');',
    '',
  ].join('\n');
}
