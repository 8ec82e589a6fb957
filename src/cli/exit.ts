/** Exit codes shared by the commands; the README documents them. Command-specific ones live with the command. */
export const EXIT = {
  OK: 0,
  /** The run finished, but some inputs could not be read. */
  SKIPPED: 1,
  /** Usage or configuration error: nothing was scanned. */
  USAGE: 2,
} as const;
