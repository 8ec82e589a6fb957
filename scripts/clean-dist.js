// Empties dist/ before a package build, so files deleted or renamed in src/ cannot be packed from an old build.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
