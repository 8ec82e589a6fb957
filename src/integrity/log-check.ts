import { describeAwsError } from '../source/aws.js';
import { hashFirstGzipMember, type FirstMemberResult } from '../decode/gzip-members.js';
import type { Limiter } from './limit.js';
import { WHOLE_READ_LIMIT, type LogHasher, type LogHashResult } from './log-hash.js';
import type { ProblemKind } from './problems.js';
import { isNotFound, readAll, type TrailView } from './view.js';

export interface Verdict {
  uri: string;
  valid: boolean;
  /** Reference wording after "INVALID: ", when invalid. */
  message?: string;
  kind?: ProblemKind;
}

/** Where a (bucket, key) pair is read from: the trail's own view, another bucket, or a relocated copy. */
export interface Located {
  view: TrailView;
  key: string;
}

export interface LogCheck {
  loc: Located | undefined;
  expectedHash: string;
}

/**
 * Verdicts for the log files one digest names, in the reference's words. Files of a mirror go to the hasher
 * as paths, all at once (whoever hashes them reads them); S3 objects are fetched within the request limit and
 * their bytes handed over. Unreadable files are read again through their store, which words the error.
 */
export function checkLogFiles(checks: LogCheck[], hasher: LogHasher, limiter: Limiter): Array<Promise<Verdict>> {
  const verdicts: Array<Promise<Verdict>> = new Array(checks.length);
  const local: Array<{ i: number; path: string }> = [];
  checks.forEach((c, i) => {
    const path = c.loc?.view.localPath(c.loc.key);
    if (path !== undefined) local.push({ i, path });
    else verdicts[i] = limiter.run(() => checkLogFile(c.loc, c.expectedHash, hasher));
  });
  if (local.length) {
    const results = hasher.hash(local.map(({ path }) => ({ path })));
    local.forEach(({ i }, n) => {
      const c = checks[i]!;
      verdicts[i] = results.then((r) => {
        const result = r[n]!;
        if ('unreadable' in result) return limiter.run(() => checkLogFile(c.loc, c.expectedHash, hasher));
        return verdictOf(c.loc!.view.uri(c.loc!.key), result, c.expectedHash);
      });
    });
  }
  return verdicts;
}

/** Verdict for one log file named by a valid digest, read through its store. */
async function checkLogFile(loc: Located | undefined, expectedHash: string, hasher: LogHasher): Promise<Verdict> {
  const uri = loc ? loc.view.uri(loc.key) : '';
  if (!loc) return { uri, valid: false, kind: 'log-not-found', message: 'not found' };
  let obj: Awaited<ReturnType<TrailView['get']>>;
  try {
    obj = await loc.view.get(loc.key);
  } catch (err) {
    if (isNotFound(err)) return { uri, valid: false, kind: 'log-not-found', message: 'not found' };
    return { uri, valid: false, kind: 'log-error', message: describeAwsError(err) };
  }
  let result: LogHashResult;
  try {
    if (obj.size !== undefined && obj.size <= WHOLE_READ_LIMIT) {
      result = (await hasher.hash([{ bytes: await readAll(obj.body) }]))[0]!;
    } else {
      // Unknown or large size: stream it here rather than hold it whole.
      result = await hashFirstGzipMember(obj.body);
    }
  } catch (err) {
    if (isNotFound(err)) return { uri, valid: false, kind: 'log-not-found', message: 'not found' };
    return { uri, valid: false, kind: 'log-error', message: describeAwsError(err) };
  }
  if ('unreadable' in result) return { uri, valid: false, kind: 'log-error', message: 'could not be read' };
  return verdictOf(uri, result, expectedHash);
}

function verdictOf(uri: string, result: FirstMemberResult, expectedHash: string): Verdict {
  if (result.outcome === 'corrupt') return { uri, valid: false, kind: 'log-invalid-format', message: 'invalid format' };
  if (result.sha256 !== expectedHash.toLowerCase()) return { uri, valid: false, kind: 'log-hash-mismatch', message: "hash value doesn't match" };
  if (result.trailingBytes > 0) {
    return { uri, valid: false, kind: 'log-appended-data', message: 'unexpected data after end of compressed stream' };
  }
  return { uri, valid: true };
}
