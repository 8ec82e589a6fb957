import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIRROR_FILES } from './trail-source.js';
import { KEYS_DIR, MANIFEST_FILE } from '../integrity/manifest.js';
import { SIDECAR_SUFFIX } from '../integrity/view.js';

test('the mirror files a folder walk passes over are the ones mirror writes', () => {
  assert.deepEqual(MIRROR_FILES, { manifest: MANIFEST_FILE, keysDir: KEYS_DIR, sidecarSuffix: SIDECAR_SUFFIX });
});
