/**
 * Every problem ctrail validate (and mirror) reports, as data: the JSON `kind`, whether it fails the run, and
 * what it means in the words ctrail prints; docs/problem-kinds.md is generated from `meaning`. The first
 * block mirrors `aws cloudtrail validate-logs` verdicts; the rest are checks the reference does not make.
 */
export const PROBLEM_KINDS = {
  // Reference verdicts (INVALID lines).
  'digest-not-found': {
    fails: true, what: 'digest',
    meaning: '`INVALID: not found` — digest a newer digest points to is gone',
  },
  'digest-invalid-format': {
    fails: true, what: 'digest',
    meaning: '`INVALID: invalid format` — not gzip/JSON, required field missing, backfill metadata missing',
  },
  'digest-signature-failed': {
    fails: true, what: 'digest',
    meaning: '`INVALID: signature verification failed` — content or signature changed, signature metadata missing',
  },
  'digest-moved': {
    fails: true, what: 'digest',
    meaning: '`INVALID: has been moved from its original location`',
  },
  'digest-key-not-found': {
    fails: true, what: 'digest',
    meaning: '`INVALID: public key not found in region R for fingerprint F`',
  },
  'digest-key-unloadable': {
    fails: true, what: 'digest',
    meaning: '`INVALID: Unable to load PKCS #1 key with fingerprint F`',
  },
  // Read errors (a request that failed after its retries, a body that could not be read): the file was
  // not checked, which is no verdict on it; the run is incomplete (exit 3) unless something else failed.
  'digest-error': {
    fails: true, what: 'digest', unreadable: true,
    meaning: '`INVALID: <text>` — e.g. `Non-hexadecimal digit found`, access denied',
  },
  'log-hash-mismatch': {
    fails: true, what: 'log',
    meaning: "`INVALID: hash value doesn't match` (changed or truncated)",
  },
  'log-not-found': {
    fails: true, what: 'log',
    meaning: '`INVALID: not found`',
  },
  'log-invalid-format': {
    fails: true, what: 'log',
    meaning: '`INVALID: invalid format` (not gzip, bad deflate/CRC)',
  },
  'log-appended-data': {
    fails: true, what: 'log',
    meaning: '`INVALID: unexpected data after end of compressed stream` (a second gzip member or trailing bytes)',
  },
  'log-error': {
    fails: true, what: 'log', unreadable: true,
    meaning: '`INVALID: <text>` (e.g. access denied)',
  },
  // Beyond the reference.
  'unreferenced-log': {
    fails: true, what: 'log',
    meaning: "a log file in the window's folders that no digest lists (injected, or its digest deleted)",
  },
  'digest-missing': {
    fails: true, what: 'digest',
    meaning: 'one of several consecutive deleted digests (the reference reports only the first); key estimated from the hourly cadence',
  },
  'tail-missing': {
    fails: true, what: 'chain',
    meaning: 'no digest covers the end of the window, and the trail status says digests were delivered after the newest one found (newest digests deleted); with --strict, any uncovered end',
  },
  // The end of the window is uncovered but nothing shows digests were deleted (--strict makes it tail-missing).
  'tail-uncovered': {
    fails: false, what: 'chain',
    meaning: 'no digest covers the end of the window, but nothing shows digests were deleted: logging stopped (when is named), or the trail status could not be read; a note, not a failure (--strict makes it tail-missing)',
  },
  'no-digests': {
    fails: true, what: 'chain',
    meaning: 'no digest at all for a folder or requested account',
  },
  'gap-suspicious': {
    fails: true, what: 'chain',
    meaning: 'log files delivered inside a logging gap: digests next to the gap were probably deleted',
  },
  'chain-mismatch': {
    fails: true, what: 'digest',
    meaning: '`previousDigestHashValue`/`previousDigestSignature` disagree with the previous digest',
  },
  'copy': {
    fails: true, what: 'chain',
    meaning: 'the source is a copy of another bucket/prefix; every digest reads as moved (use `--allow-copy`)',
  },
  'copy-allowed': {
    fails: false, what: 'chain',
    meaning: 'copy verified with `--allow-copy` (note)',
  },
  'org-trail': {
    fails: false, what: 'chain',
    meaning: 'org layout found with only a bucket given: validated under `o-…/` (the AWS CLI prints "No digests found") (note)',
  },
  // `ctrail mirror`: objects it would not or could not copy (docs/mirror.md).
  'hostile-key': {
    fails: true, what: 'object',
    meaning: '`ctrail mirror`: a key or digest-named object that does not fit the trail layout or would leave the mirror folder; refused',
  },
  'name-too-long': {
    fails: true, what: 'object',
    meaning: '`ctrail mirror`: a key whose file name is too long for the file system; not copied',
  },
  'case-collision': {
    fails: true, what: 'object',
    meaning: '`ctrail mirror`: two keys differing only in case on a case-insensitive file system; the second is not copied',
  },
  'target-occupied': {
    fails: true, what: 'object',
    meaning: "`ctrail mirror`: a file or link already at the target that is not ctrail's own copy; left alone, not overwritten",
  },
  'copy-failed': {
    fails: true, what: 'object',
    meaning: '`ctrail mirror`: the object could not be copied intact after retries (or its folder could not be listed)',
  },
} as const satisfies Record<string, { fails: boolean; what: 'digest' | 'log' | 'chain' | 'object'; unreadable?: true; meaning: string }>;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

export interface Problem {
  kind: ProblemKind;
  /** s3://bucket/key of the object concerned, or of the folder for chain-level problems. */
  key: string;
  detail: string;
}

export function problemFails(p: Problem): boolean {
  return PROBLEM_KINDS[p.kind].fails;
}

/** The problem is that something could not be read, not evidence about what was read. */
export function problemUnreadable(p: Problem): boolean {
  return 'unreadable' in PROBLEM_KINDS[p.kind];
}
