// Writes the generated activity scenarios as a trail delivers them (gzipped {"Records":[…]} under the key
// layout, one file per account, region and 5 minutes) into fixtures/activity/scenarios/, for the docs'
// examples and manual runs:
//   npx tsc -p tsconfig.json && node dist/test/helpers/write-activity-scenarios.js
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';
import { layoutTrail, writeTrail } from './trail-builder.js';
import { persistenceBranch, reusedExampleKey, samlSourceIdentity, sameSessionName, threeHopChain } from './activity-scenarios.js';

const root = join(repoRoot, 'fixtures', 'activity', 'scenarios');
rmSync(root, { recursive: true, force: true });
writeTrail(join(root, 'three-hops'), layoutTrail(threeHopChain().events));
writeTrail(join(root, 'saml-source-identity'), layoutTrail(samlSourceIdentity().events));
writeTrail(join(root, 'persistence'), layoutTrail(persistenceBranch().events));
writeTrail(join(root, 'same-session-name'), layoutTrail(sameSessionName().events));
const reused = reusedExampleKey();
writeTrail(join(root, 'reused-example-key', 'mine'), layoutTrail(reused.mine));
writeTrail(join(root, 'reused-example-key', 'unrelated'), layoutTrail(reused.unrelated, { prefix: 'other-org' }));
