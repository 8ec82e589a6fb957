/**
 * One CSV cell, quoted when it must be (RFC 4180), and never a formula: a cell that a spreadsheet would
 * evaluate (it begins with =, +, -, @, tab or CR) is prefixed with a single quote, as OWASP's "CSV
 * injection" guidance recommends. A plain number such as -3 or +1.5 cannot run anything and stays a number.
 * NDJSON and JSON output keep the exact bytes; only CSV is escaped (docs/csv.md).
 */
export function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function csvRow(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\n';
}
