import { statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { AwsOptions } from './aws.js';
import { FileSource, GlobSource, StdinSource, folderSource } from './local.js';
import { LazyS3Store, lazyS3Client } from './store.js';
import { ListedTrailSource } from './listed.js';
import type { Source } from './types.js';
import type { NoticeSink, ProgressListener } from './api-pacing.js';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Turns each SOURCE argument into a Source. Schemes are explicit (`s3://`, `history:`, `logs:`); anything
 * else is a local path, a glob, or `-` for stdin.
 */
export interface ResolveContext {
  aws: AwsOptions;
  /** One S3 client for all s3:// sources of a run, created on first use. */
  s3?: () => Promise<S3Client>;
  /** Every `--region` value: `history:` alone reads these. */
  regions?: string[];
  /** Said once on stderr, e.g. "event history holds management events only". */
  notices?: NoticeSink;
  /** Pages, events, request rate and ETA of the API sources, for the progress line. */
  apiProgress?: ProgressListener;
}

export type SourceResolver = (arg: string, ctx: ResolveContext) => Source | undefined;

/** Extra schemes (event history, CloudWatch Logs) register here without this file knowing them. */
const schemes: SourceResolver[] = [];

export function registerScheme(resolver: SourceResolver): void {
  schemes.push(resolver);
}

export function resolveSource(arg: string, ctx: ResolveContext): Source {
  for (const scheme of schemes) {
    const s = scheme(arg, ctx);
    if (s) return s;
  }
  if (arg === '-') return new StdinSource();
  if (arg.startsWith('s3://')) {
    ctx.s3 ??= lazyS3Client(ctx.aws);
    const store = new LazyS3Store(arg, ctx.s3);
    return new ListedTrailSource(store, store.rootPrefix);
  }
  if (/^[a-z][a-z0-9+-]*:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg)) {
    throw new UsageError(`${arg}: unknown source scheme (expected a path, -, s3://, history: or logs:)`);
  }
  let st;
  try {
    st = statSync(arg);
  } catch {
    if (/[*?[\]{}]/.test(arg)) return new GlobSource(arg);
    return missing(arg, 'no such file or folder');
  }
  return st.isDirectory() ? folderSource(arg) : new FileSource(arg);
}

/** A named input that cannot be read is reported and skipped, like an unreadable object; the scan goes on. */
function missing(label: string, problem: string): Source {
  return {
    label,
    async *units() {
      yield { problem: { source: label, problem } };
    },
  };
}
