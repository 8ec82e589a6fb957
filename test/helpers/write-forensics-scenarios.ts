// Writes the generated forensics scenarios as CloudTrail delivers them (gzipped {"Records":[…]} under the
// trail key layout) into fixtures/forensics/scenarios/, for the docs' examples and manual runs:
//   npx tsc -p tsconfig.json && node dist/test/helpers/write-forensics-scenarios.js
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudTrailEvent } from '../../src/cloudtrail/event.js';
import { repoRoot } from './cli.js';
import { batchTerminate, chainedCrossAccount, failedThenSuccess, onlyInResources, samlUser, ssoUser } from './forensics-scenarios.js';

const root = join(repoRoot, 'fixtures', 'forensics', 'scenarios');

function write(dir: string, events: CloudTrailEvent[]): void {
  const byAccountRegion = new Map<string, CloudTrailEvent[]>();
  for (const e of events) {
    const k = `${e.recipientAccountId}|${e.awsRegion}`;
    byAccountRegion.set(k, [...(byAccountRegion.get(k) ?? []), e]);
  }
  for (const [k, list] of byAccountRegion) {
    const [account, region] = k.split('|') as [string, string];
    const day = list[0]!.eventTime.slice(0, 10).split('-');
    const folder = join(root, dir, 'AWSLogs', account, 'CloudTrail', region, ...day);
    mkdirSync(folder, { recursive: true });
    const stamp = list[0]!.eventTime.replace(/[-:]/g, '').slice(0, 13) + 'Z';
    writeFileSync(join(folder, `${account}_CloudTrail_${region}_${stamp}_SCENARIO${String(list.length).padStart(4, '0')}.json.gz`), gzipSync(JSON.stringify({ Records: list }, null, 0)));
  }
}

rmSync(root, { recursive: true, force: true });
const chained = chainedCrossAccount();
write('cross-account/prod', chained.events);
write('cross-account/identity', chained.identityEvents!);
write('saml-user', samlUser().events);
write('sso-user', ssoUser().events);
write('failed-then-success', failedThenSuccess().events);
write('batch-terminate', batchTerminate().events);
write('only-in-resources', onlyInResources().events);
