/**
 * Every problem ctrail validate reports, as data: the JSON `kind`, whether it fails the run, and the text
 * label used on stderr. The first block mirrors `aws cloudtrail validate-logs` verdicts; the rest are checks
 * the reference does not make (the README's validate section explains each one).
 */
export const PROBLEM_KINDS = {
  // Reference verdicts (INVALID lines).
  'digest-not-found': { fails: true, what: 'digest' },
  'digest-invalid-format': { fails: true, what: 'digest' },
  'digest-signature-failed': { fails: true, what: 'digest' },
  'digest-moved': { fails: true, what: 'digest' },
  'digest-key-not-found': { fails: true, what: 'digest' },
  'digest-key-unloadable': { fails: true, what: 'digest' },
  // Read errors (a request that failed after its retries, a body that could not be read): the file was
  // not checked, which is no verdict on it; the run is incomplete (exit 3) unless something else failed.
  'digest-error': { fails: true, what: 'digest', unreadable: true },
  'log-hash-mismatch': { fails: true, what: 'log' },
  'log-not-found': { fails: true, what: 'log' },
  'log-invalid-format': { fails: true, what: 'log' },
  'log-appended-data': { fails: true, what: 'log' },
  'log-error': { fails: true, what: 'log', unreadable: true },
  // Beyond the reference.
  'unreferenced-log': { fails: true, what: 'log' },
  'digest-missing': { fails: true, what: 'digest' },
  'tail-missing': { fails: true, what: 'chain' },
  // The end of the window is uncovered but nothing shows digests were deleted (--strict makes it tail-missing).
  'tail-uncovered': { fails: false, what: 'chain' },
  'no-digests': { fails: true, what: 'chain' },
  'gap-suspicious': { fails: true, what: 'chain' },
  'chain-mismatch': { fails: true, what: 'digest' },
  'copy': { fails: true, what: 'chain' },
  'copy-allowed': { fails: false, what: 'chain' },
  'org-trail': { fails: false, what: 'chain' },
  // `ctrail mirror`: objects it would not or could not copy (docs/mirror.md).
  'hostile-key': { fails: true, what: 'object' },
  'name-too-long': { fails: true, what: 'object' },
  'case-collision': { fails: true, what: 'object' },
  'target-occupied': { fails: true, what: 'object' },
  'copy-failed': { fails: true, what: 'object' },
} as const satisfies Record<string, { fails: boolean; what: 'digest' | 'log' | 'chain' | 'object'; unreadable?: true }>;

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
