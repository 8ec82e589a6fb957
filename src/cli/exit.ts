import { CtrailError } from '../errors.js';

/**
 * The one exit-code table of ctrail: every command's code means one of these four things, and
 * docs/exit-codes.md prints this table (a test keeps the two in step and runs each code end to end).
 */
export const EXIT = {
  /** Found (search, forensics), passed (validate, audit), or done (mirror, --help, --version). */
  OK: 0,
  /** The answer is no: nothing found (an empty source included), or a check failed. */
  NO: 1,
  /** Usage or configuration error: nothing was scanned. */
  USAGE: 2,
  /** Incomplete: some input could not be read, so the printed answer covers only what was read. */
  INCOMPLETE: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type CommandFamily = 'search' | 'forensics' | 'check' | 'copy' | 'athena';

/** What each code means for each family of commands; `undefined` means the family never returns it. */
export const EXIT_TABLE: Record<CommandFamily, { commands: readonly string[]; meaning: Partial<Record<ExitCode, string>> }> = {
  search: {
    commands: ['events', 'count', 'insights', 'hunt'],
    meaning: {
      0: 'at least one event, count, insight or rule hit was printed',
      1: 'nothing matched (an empty source included)',
      2: 'nothing was scanned',
      3: 'some input could not be read (named on stderr); what was printed covers the rest',
    },
  },
  forensics: {
    commands: ['find-deletion', 'trace', 'activity'],
    meaning: {
      0: 'the deletion, credential use or activity was found',
      1: 'nothing found in what was read (an empty source included)',
      2: 'nothing was scanned',
      3: 'some input could not be read (named on stderr); the answer covers only what was read',
    },
  },
  check: {
    commands: ['validate', 'audit'],
    meaning: {
      0: 'every check passed',
      1: 'a check failed: INVALID evidence (validate) or a failed audit check',
      2: 'nothing was checked',
      3: 'no check failed, but something could not be read or decided (named on stderr)',
    },
  },
  copy: {
    commands: ['mirror'],
    meaning: {
      0: 'the window was copied',
      2: 'nothing was copied',
      3: 'the copy is incomplete: each object not copied, or the write error, is named on stderr; a re-run resumes',
    },
  },
  athena: {
    commands: ['athena setup', 'athena query'],
    meaning: {
      0: 'the table was created, updated or already up to date; the query printed rows',
      1: 'the query returned no rows',
      // Ctrl-C is 2, not 130: the query was stopped on Athena and nothing was answered, which is what 2 says.
      2: 'nothing was changed or answered: a bad flag, an Athena or Glue refusal, a table that is not ctrail\'s, a query that FAILED, was CANCELLED, or was stopped by Ctrl-C or --max-scan-gb',
      3: 'setup: the bucket could not be listed whole, so nothing was changed; query: a result page was lost after rows were printed',
    },
  },
};

/**
 * A search or forensics answer. Precedence: an unreadable input makes the answer incomplete (3) whether
 * or not something was found, because a fault must never pass for "nothing there" and a found answer
 * may not be the whole answer.
 */
export function searchExit(found: boolean, unreadable: boolean): ExitCode {
  if (unreadable) return EXIT.INCOMPLETE;
  return found ? EXIT.OK : EXIT.NO;
}

/**
 * A check's verdict. Precedence: a failed check (1) wins over an unreadable input (3), because definite
 * evidence (an INVALID file, a failed audit check) must never be masked by a transient fault elsewhere;
 * the unreadable inputs are still named on stderr. Unreadable with nothing failed is 3, never 1.
 */
export function checkExit(failed: boolean, unreadable: boolean): ExitCode {
  if (failed) return EXIT.NO;
  return unreadable ? EXIT.INCOMPLETE : EXIT.OK;
}

/**
 * The code for an error that ended the run, decided at the CLI edge. A CtrailError (a bad flag, an
 * unknown bucket, refused credentials) is raised before anything is read: usage or configuration (2).
 * Anything else stopped a run part-way: incomplete (3), never a verdict.
 */
export function errorExit(err: unknown): ExitCode {
  return err instanceof CtrailError ? EXIT.USAGE : EXIT.INCOMPLETE;
}
