/**
 * One CSV cell, quoted when it must be (RFC 4180), and never a formula: a cell that a spreadsheet would
 * evaluate (it begins with =, +, -, @, tab or CR) is prefixed with a single quote, as OWASP's "CSV
 * injection" guidance recommends. A plain number such as -3 or +1.5 cannot run anything and stays a number.
 * NDJSON and JSON output keep the exact bytes; only CSV is escaped (docs/output-formats.md).
 */
export function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? QUOTE + text : text;
  return NEEDS_QUOTES.test(safe) ? DQ + safe.replaceAll(DQ, DQ + DQ) + DQ : safe;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const QUOTE = "'";
const DQ = '"';
// A double quote, a comma or a line break (the quote written as \x22 keeps the pattern readable to tools).
const NEEDS_QUOTES = /[\x22,\r\n]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function csvRow(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\n';
}
