import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIRROR_FILES } from './trail-source.js';
import { JOURNAL_FILE, KEYS_DIR, MANIFEST_FILE } from '../integrity/manifest.js';
import { PARTIAL_PREFIX } from '../integrity/mirror-target.js';
import { SIDECAR_SUFFIX } from '../integrity/view.js';

test('the mirror files a folder walk passes over are the ones mirror writes', () => {
  assert.deepEqual(MIRROR_FILES, { manifest: MANIFEST_FILE, journal: JOURNAL_FILE, keysDir: KEYS_DIR, sidecarSuffix: SIDECAR_SUFFIX, partialPrefix: PARTIAL_PREFIX });
});
