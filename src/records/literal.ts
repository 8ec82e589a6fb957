import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, isSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './json-bytes.js';
import { findStringEnd } from './split.js';

/**
 * Reads a top-level literal field (`"readOnly":true`) from a record's bytes without parsing it, so a filter on
 * such a field can reject a record exactly, where a needle cannot: `"readOnly"` is in every record, and
 * `"readOnly":true` also occurs nested (ECS mount points) or pretty-printed. Broad scans (`--write-only`)
 * otherwise parse every record only to throw half of them away.
 */

/** Letters, digits and the signs of a number: the bytes of true, false, null and numbers. */
function isLiteralByte(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2b || b === 0x2e || b === 0x45;
}

/**
 * The literal text (`true`, `false`, `null`, a number) of the top-level key `quotedKey` (given with its
 * quotes) in `record`, a whole JSON object as the splitter delimits it; undefined when that cannot be told
 * cheaply and exactly: the key is absent, nested, escaped, or holds a string, object or array.
 *
 * Exact where it answers: the key's last occurrence is the one JSON.parse keeps, and it is top-level only if
 * the rest of the record, scanned with its strings and nesting, closes exactly at the record's last byte.
 */
export function topLevelLiteral(record: Buffer, quotedKey: Buffer): string | undefined {
  const at = record.lastIndexOf(quotedKey);
  if (at <= 0) return undefined;
  // After an odd run of backslashes the quote is escaped: the text is inside a string.
  let backslashes = 0;
  for (let k = at - 1; k >= 0 && record[k] === BACKSLASH; k--) backslashes++;
  if (backslashes & 1) return undefined;
  let i = at + quotedKey.length;
  while (isSpace(record[i])) i++;
  if (record[i] !== COLON) return undefined;
  i++;
  while (isSpace(record[i])) i++;
  const start = i;
  while (i < record.length && isLiteralByte(record[i]!)) i++;
  if (i === start) return undefined;
  const literal = record.toString('latin1', start, i);
  let last = record.length - 1;
  while (last > i && isSpace(record[last])) last--;
  let depth = 1;
  for (; i <= last; i++) {
    const b = record[i]!;
    if (b === QUOTE) {
      i = findStringEnd(record, i + 1);
      if (i < 0) return undefined;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (--depth === 0) return i === last ? literal : undefined;
    }
  }
  return undefined;
}

/**
 * The exact bytes of the object value of the top-level key `quotedKey` (given with its quotes) in `record`,
 * a whole JSON object; undefined when the key is absent or does not hold an object. The last occurrence
 * wins, as in JSON.parse. Keys are compared as they are spelled: an escaped spelling is not found.
 */
export function topLevelObject(record: Buffer, quotedKey: Buffer): Buffer | undefined {
  let found: Buffer | undefined;
  let depth = 0;
  let valueStart = -1;
  for (let i = 0; i < record.length; i++) {
    const b = record[i]!;
    if (b === QUOTE) {
      const close = findStringEnd(record, i + 1);
      if (close < 0) return undefined;
      if (depth === 1 && close + 1 - i === quotedKey.length && record.compare(quotedKey, 0, quotedKey.length, i, close + 1) === 0) {
        let k = close + 1;
        while (isSpace(record[k])) k++;
        if (record[k] === COLON) {
          k++;
          while (isSpace(record[k])) k++;
          if (record[k] === OPEN_BRACE) valueStart = k;
        }
      }
      i = close;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
      if (depth === 1 && valueStart >= 0 && b === CLOSE_BRACE) {
        found = record.subarray(valueStart, i + 1);
        valueStart = -1;
      }
    }
  }
  return found;
}
