/**
 * The files `ctrail mirror` writes beside the logs. Both sides of the mirror folder use these names: the
 * mirror writer (integrity/) and the readers that must tell a log from mirror metadata (source/). They live
 * on the lower floor so that the source layer never reaches up into integrity.
 */
export const MIRROR_FILES = {
  /** At the root: where the copy's keys came from, and the trail status seen (docs/mirror.md). */
  manifest: 'ctrail-mirror.json',
  /**
   * One JSON line per object as soon as its file has its final name: a run that is interrupted (Ctrl-C, full
   * disk) leaves a record of what it finished, so the next run resumes instead of distrusting every file.
   */
  journal: 'ctrail-mirror.journal',
  /** At the root: the public keys, one list-public-keys JSON per region. */
  keysDir: 'ctrail-public-keys',
  /** Beside a digest: its S3 user metadata (the signature lives there). */
  sidecarSuffix: '.s3-metadata.json',
  /** A download in progress; renamed to its final name only once its bytes check. */
  partialPrefix: '.ctrail-partial-',
} as const;
