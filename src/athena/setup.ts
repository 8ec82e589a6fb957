import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
} from '@aws-sdk/client-glue';
import { ConfigError, CtrailError, describeError } from '../errors.js';
import type { AwsOptions } from '../source/aws.js';
import { clientConfig } from '../source/aws-clients.js';
import type { TrailLayout } from '../source/trail-layout.js';
import { accountsFolder, logDayFolderTemplate } from '../cloudtrail/layout.js';
import { oneLine } from './text.js';
import { CREATED_BY, PARTITION_COLUMNS, glueTableInput, type GlueTableInput, type TableSpec } from './table.js';

/**
 * `athena setup` writes the database and table through the Glue Data Catalog, which is where Athena's own
 * CREATE DATABASE / CREATE EXTERNAL TABLE put them: the same table, but read-compare-write makes a re-run
 * exact (DDL has no "create or update to this"), and no query, workgroup or result location is needed.
 */
export function glueClient(aws: AwsOptions, region?: string): GlueClient {
  // Endpoint: AWS_ENDPOINT_URL_GLUE, then --endpoint-url, then the SDK chain (aws-clients.ts endpointFor).
  return new GlueClient(clientConfig('Glue', aws, region));
}

export function tableSpecFromLayout(layout: TrailLayout, bucket: string, names: { database: string; table: string }, where: string): TableSpec {
  if (!layout.accounts.length || !layout.regions.length || !layout.firstDay) {
    throw new ConfigError(`${where}: no CloudTrail log folders (AWSLogs/[o-…/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/) found: nothing to build a table over`);
  }
  const s3 = `s3://${bucket}/`;
  return {
    ...names,
    location: s3 + accountsFolder(layout.prefix, layout.orgId),
    locationTemplate: s3 + logDayFolderTemplate(layout.prefix, layout.orgId),
    accounts: layout.accounts,
    regions: layout.regions,
    firstDay: layout.firstDay,
  };
}

export type SetupOutcome =
  | { kind: 'created'; databaseCreated: boolean }
  | { kind: 'unchanged' }
  /** Each change is a short phrase: "accounts +444455556666", "first day 2023/12/30 (was 2024/01/01)". */
  | { kind: 'updated'; changes: string[] }
  | { kind: 'replaced'; was: string };

/** The table exists and is not ours to change without --replace. */
export class TableConflictError extends CtrailError {
  constructor(message: string) {
    super(message);
    this.name = 'TableConflictError';
  }
}

export async function applyTable(glue: GlueClient, spec: TableSpec, opts: { replace: boolean }): Promise<SetupOutcome> {
  const databaseCreated = await ensureDatabase(glue, spec.database);
  const wanted = glueTableInput(spec);
  const existing = await getTable(glue, spec.database, spec.table);
  const name = `${spec.database}.${spec.table}`;
  if (!existing) {
    await call('CreateTable', () => glue.send(new CreateTableCommand({ DatabaseName: spec.database, TableInput: wanted })));
    return { kind: 'created', databaseCreated };
  }
  const location = oneLine(existing.StorageDescriptor?.Location ?? '(no location)');
  const ours = existing.Parameters?.[CREATED_BY] === 'ctrail';
  if (!opts.replace && (!ours || !sameLocation(location, spec.location))) {
    throw new TableConflictError(
      ours
        ? `table ${name} reads ${location}, not ${spec.location}: pass --table with another name, or --replace to point it here`
        : `table ${name} exists and was not made by ctrail (it reads ${location}): pass --table with another name, or --replace to overwrite it`,
    );
  }
  const changes = differences(existing, wanted);
  if (!changes.length) return { kind: 'unchanged' };
  await call('UpdateTable', () => glue.send(new UpdateTableCommand({ DatabaseName: spec.database, TableInput: wanted })));
  return ours && sameLocation(location, spec.location) ? { kind: 'updated', changes } : { kind: 'replaced', was: location };
}

function sameLocation(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** What a re-run would change, in words: the layout first (what the user cares about), then the rest. */
export function differences(existing: Table, wanted: GlueTableInput): string[] {
  const was = existing.Parameters ?? {};
  const now = wanted.Parameters;
  const out: string[] = [];
  const { account, region, day } = PARTITION_COLUMNS;
  const listDiff = (label: string, key: string): void => {
    const before = new Set((was[key] ?? '').split(',').filter(Boolean));
    const after = new Set((now[key] ?? '').split(',').filter(Boolean));
    const added = [...after].filter((v) => !before.has(v));
    const removed = [...before].filter((v) => !after.has(v));
    if (added.length || removed.length) out.push(`${label} ${[...added.map((v) => `+${v}`), ...removed.map((v) => `-${v}`)].join(' ')}`);
  };
  listDiff('accounts', `projection.${account}.values`);
  listDiff('regions', `projection.${region}.values`);
  const rangeKey = `projection.${day}.range`;
  if (was[rangeKey] !== now[rangeKey]) out.push(`first day ${now[rangeKey]?.split(',')[0]} (was ${was[rangeKey]?.split(',')[0] ?? 'none'})`);
  const handled = new Set([`projection.${account}.values`, `projection.${region}.values`, rangeKey]);
  const otherParams = Object.keys(now).filter((k) => !handled.has(k) && was[k] !== now[k]);
  if (otherParams.length) out.push(`table properties ${otherParams.join(', ')}`);
  const sd = existing.StorageDescriptor;
  const cols = (c: Array<{ Name?: string; Type?: string }> | undefined) => (c ?? []).map((x) => `${x.Name}:${x.Type}`).join(',');
  if (cols(sd?.Columns) !== cols(wanted.StorageDescriptor.Columns)) out.push('columns');
  if (cols(existing.PartitionKeys) !== cols(wanted.PartitionKeys)) out.push('partition columns');
  if (
    sd?.InputFormat !== wanted.StorageDescriptor.InputFormat ||
    sd?.OutputFormat !== wanted.StorageDescriptor.OutputFormat ||
    sd?.SerdeInfo?.SerializationLibrary !== wanted.StorageDescriptor.SerdeInfo.SerializationLibrary
  ) {
    out.push('storage format');
  }
  if (!sameLocation(sd?.Location ?? '', wanted.StorageDescriptor.Location)) out.push(`location ${wanted.StorageDescriptor.Location}`);
  return out;
}

async function ensureDatabase(glue: GlueClient, database: string): Promise<boolean> {
  try {
    await glue.send(new GetDatabaseCommand({ Name: database }));
    return false;
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'EntityNotFoundException') throw glueError('GetDatabase', err);
  }
  await call('CreateDatabase', () =>
    glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database, Description: 'CloudTrail tables made by ctrail athena setup' } })),
  );
  return true;
}

async function getTable(glue: GlueClient, database: string, table: string): Promise<Table | undefined> {
  try {
    return (await glue.send(new GetTableCommand({ DatabaseName: database, Name: table }))).Table;
  } catch (err) {
    if (err instanceof Error && err.name === 'EntityNotFoundException') return undefined;
    throw glueError('GetTable', err);
  }
}

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw glueError(what, err);
  }
}

/** Glue refusals are configuration (exit 2): permissions, a name Glue rejects, a region without Glue. */
function glueError(what: string, err: unknown): CtrailError {
  if (err instanceof CtrailError) return err;
  const name = err instanceof Error ? err.name : '';
  const msg = oneLine(describeError(err));
  if (name === 'AccessDeniedException') return new ConfigError(`Glue ${what}: access denied (${msg}); athena setup needs glue:GetDatabase, glue:CreateDatabase, glue:GetTable, glue:CreateTable, glue:UpdateTable`);
  return new ConfigError(`Glue ${what}: ${msg}`);
}
