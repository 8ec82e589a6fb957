/**
 * Text from AWS (a failed query's reason, a table's location, an error message) on its way into a one-line
 * error: control characters dropped, whitespace folded, length bounded. This floor is below
 * output/sanitize.ts, and the CLI edge prints a CtrailError's message as it is.
 */
export function oneLine(text: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max) + '…' : flat;
}
