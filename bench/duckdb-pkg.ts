import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * DuckDB is only a yardstick for the bench, and its native bindings are large, so it is not a dependency of
 * ctrail: the bench installs this exact version into a cache folder the first time it needs it.
 */
export const DUCKDB_SPEC = '@duckdb/node-api@1.5.6-r.1';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Under node_modules/ so that git ignores it and `npm ci` (which empties node_modules/) refreshes it. */
const cacheDir = join(repo, 'node_modules', '.cache', 'ctrail-bench-duckdb');
const manifest = join(cacheDir, 'node_modules', '@duckdb', 'node-api', 'package.json');

/**
 * Installs DuckDB into the cache folder when it is not there yet; an error names what failed. Several test
 * files may ask at once (the suite runs files in parallel), and two npm installs into one folder corrupt
 * each other's native binding: each installs into a folder of its own and renames it into place, so the
 * cache folder only ever appears whole, and the first to finish wins.
 */
export function ensureDuckdb(): void {
  if (existsSync(manifest)) return;
  mkdirSync(dirname(cacheDir), { recursive: true });
  // A folder left by an interrupted install of an older bench (no manifest inside) is moved out of the way.
  if (existsSync(cacheDir) && !existsSync(manifest)) rmSync(cacheDir, { recursive: true, force: true });
  const staging = `${cacheDir}.installing-${process.pid}-${randomBytes(4).toString('hex')}`;
  process.stderr.write(`bench: installing ${DUCKDB_SPEC} into ${cacheDir} (once)\n`);
  try {
    const r = spawnSync('npm', ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefer-offline', DUCKDB_SPEC], {
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 10 * 60_000,
    });
    if (r.status !== 0) throw new Error(`bench: could not install ${DUCKDB_SPEC} (npm exit ${r.status ?? r.signal ?? r.error?.message})`);
    try {
      renameSync(staging, cacheDir);
    } catch (err) {
      // Another process renamed its copy into place first: use that one.
      if (!existsSync(manifest)) throw err;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!existsSync(manifest)) throw new Error(`bench: ${DUCKDB_SPEC} is not where it was installed (${manifest})`);
}

/** The subset of @duckdb/node-api the bench uses, typed here because the package is not installed at build time. */
export interface DuckDBModule {
  DuckDBInstance: {
    create(path: string, options: Record<string, string>): Promise<{
      connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRowObjects(): Record<string, unknown>[] }> }>;
    }>;
  };
}

export async function loadDuckdb(): Promise<DuckDBModule> {
  ensureDuckdb();
  const entry = createRequire(manifest).resolve('@duckdb/node-api');
  return (await import(pathToFileURL(entry).href)) as DuckDBModule;
}
