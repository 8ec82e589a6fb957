import stringWidth from 'string-width';
import { newTable } from './table.js';
import { neutralize } from './sanitize.js';

/**
 * Tables that fit the terminal. A table wider than the screen wraps into an unreadable mess, so each
 * renderer says which of its columns matter most; the least useful are left out first, then long cells are
 * cut with `…`. Widths are display widths (a CJK character or an emoji takes two cells), measured with the
 * same `string-width` cli-table3 pads with, so the two never disagree.
 */

export interface FitColumn {
  header: string;
  /** 1 is the most useful; the highest number is left out first (ties: the rightmost). */
  priority: number;
  /** The narrowest the column is worth showing at; a column that would need less is dropped instead. */
  min?: number;
}

export interface FitOptions {
  /** Display columns available (the terminal's, else COLUMNS, else 80). */
  width: number;
  /** Every column, every cell whole. */
  wide: boolean;
}

/** cli-table3's default style: one space of padding each side of a cell, one border between cells and at both ends. */
export const tableOverhead = (columns: number): number => 3 * columns + 1;

const DEFAULT_MIN = 10;

export { stringWidth as displayWidth };

/**
 * The units a cut may fall between: a grapheme cluster (what a reader sees as one character: a letter with
 * its combining accents, a flag, an emoji joined with ZWJ, a Hangul syllable spelt in jamo), and each escape
 * neutralize() wrote (`\x1b`, `\u202e`, `\n`). Cutting inside either would show something the data never
 * held: a bare letter without its accent, half a flag, or `\x1…`, which reads as another byte.
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ESCAPE = /\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])/g;

function* cutUnits(text: string): Generator<string> {
  let from = 0;
  for (const m of text.matchAll(ESCAPE)) {
    for (const g of graphemes.segment(text.slice(from, m.index))) yield g.segment;
    yield m[0];
    from = m.index + m[0].length;
  }
  for (const g of graphemes.segment(text.slice(from))) yield g.segment;
}

/**
 * `text` cut to at most `width` display columns, ending in `…` when cut. Cuts fall between cutUnits, so a
 * surrogate pair, a combining sequence, a wide character or an escape is never split; a unit that would
 * straddle the limit goes whole.
 */
export function truncateToWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 0) return '';
  if (width === 1) return '…';
  const kept: string[] = [];
  let used = 0;
  for (const unit of cutUnits(text)) {
    const w = stringWidth(unit);
    if (used + w > width - 1) break;
    kept.push(unit);
    used += w;
  }
  // Units measured apart should add up to the whole; the check keeps the promise whatever the width tables say.
  while (kept.length && stringWidth(kept.join('') + '…') > width) kept.pop();
  return kept.join('') + '…';
}

/**
 * `text` wrapped to lines of at most `width` display columns, joined by `\n`: at spaces where it can, and a
 * word wider than the line (an ARN, an S3 address) is broken between cutUnits, so nothing is lost or split.
 */
export function wrapToWidth(text: string, width: number): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const joined = line ? `${line} ${word}` : word;
      if (stringWidth(joined) <= width) {
        line = joined;
        continue;
      }
      if (stringWidth(word) <= width) {
        if (line) lines.push(line);
        line = word;
        continue;
      }
      // Wider than any line: it starts where the line is, and goes on over as many lines as it needs.
      line = line ? `${line} ` : '';
      for (const unit of cutUnits(word)) {
        if (line.trim() && stringWidth(line + unit) > width) {
          lines.push(line.trimEnd());
          line = '';
        }
        line += unit;
      }
    }
    lines.push(line);
  }
  return lines.join('\n');
}

export interface FitResult {
  /** Indices of the columns shown, in their order. */
  visible: number[];
  head: string[];
  rows: string[][];
  /** Headers of the columns left out. */
  hidden: string[];
  /** Whether any cell or header was cut. */
  cut: boolean;
}

/** The columns that fit: the least useful go until the narrowest useful widths fit. */
export function chooseColumns(columns: readonly FitColumn[], natural: readonly number[], width: number): number[] {
  const visible = columns.map((_, i) => i);
  const minOf = (i: number): number => Math.min(natural[i]!, columns[i]!.min ?? DEFAULT_MIN);
  const need = (): number => visible.reduce((n, i) => n + minOf(i), 0) + tableOverhead(visible.length);
  while (visible.length > 1 && need() > width) {
    let drop = 0;
    for (let v = 1; v < visible.length; v++) if (columns[visible[v]!]!.priority >= columns[visible[drop]!]!.priority) drop = v;
    visible.splice(drop, 1);
  }
  return visible;
}

/**
 * Content widths for the shown columns within `avail`: every column gets its minimum, then the space left
 * goes to the most useful columns first, each up to its whole width, so the least useful are the ones cut.
 * `order` lists the columns by usefulness. When even the minimums do not fit (a later page of a paged table
 * keeps the first page's columns), every column shrinks evenly instead.
 */
export function allocateWidths(natural: readonly number[], mins: readonly number[], avail: number, order: readonly number[]): number[] {
  const total = (ws: readonly number[]): number => ws.reduce((a, b) => a + b, 0);
  if (total(natural) <= avail) return [...natural];
  if (total(mins) <= avail) {
    const widths = [...mins];
    let left = avail - total(widths);
    for (const i of order) {
      const grow = Math.min(left, natural[i]! - widths[i]!);
      widths[i]! += grow;
      left -= grow;
    }
    return widths;
  }
  // Water-filling: the largest cap at which every column, cut to it, fits.
  const at = (cap: number): number[] => natural.map((n) => Math.max(1, Math.min(n, cap)));
  let lo = 1;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(at(mid)) <= avail) lo = mid;
    else hi = mid - 1;
  }
  return at(lo);
}

/**
 * Fits one page of a table. `visible` keeps the columns chosen for an earlier page, so a long, paged
 * table keeps one set of columns from top to bottom. Cells must already be neutralised.
 */
export function fitTable(columns: readonly FitColumn[], rows: readonly (readonly string[])[], opts: FitOptions, visible?: readonly number[]): FitResult {
  // Headers are ctrail's own words, except the names `--fields` was given: neutralised here, for every table.
  const headers = columns.map((c) => neutralize(c.header));
  const natural = columns.map((_, i) => rows.reduce((w, r) => Math.max(w, stringWidth(r[i] ?? '')), stringWidth(headers[i]!)));
  if (opts.wide) return { visible: columns.map((_, i) => i), head: headers, rows: rows.map((r) => [...r]), hidden: [], cut: false };
  const shown = visible ? [...visible] : chooseColumns(columns, natural, opts.width);
  const avail = Math.max(shown.length, opts.width - tableOverhead(shown.length));
  const widths = allocateWidths(
    shown.map((i) => natural[i]!),
    shown.map((i) => Math.min(natural[i]!, columns[i]!.min ?? DEFAULT_MIN)),
    avail,
    shown.map((_, v) => v).sort((a, b) => columns[shown[a]!]!.priority - columns[shown[b]!]!.priority || a - b),
  );
  const cut = widths.some((w, v) => w < natural[shown[v]!]!);
  return {
    visible: shown,
    head: shown.map((i, v) => truncateToWidth(headers[i]!, widths[v]!)),
    rows: rows.map((r) => shown.map((i, v) => truncateToWidth(r[i] ?? '', widths[v]!))),
    hidden: headers.filter((_, i) => !shown.includes(i)),
    cut,
  };
}

/** The one line on stderr that says what a fitted table left out, or undefined when it left nothing out. */
export function fitNote(hidden: readonly string[], cut: boolean): string | undefined {
  if (hidden.length) return `ctrail: --wide shows every column whole (hidden here: ${hidden.join(', ')})\n`;
  if (cut) return 'ctrail: long cells end in …; --wide shows them whole\n';
  return undefined;
}

/**
 * A table that fits, page after page: the first page chooses the columns, every page is cut to the width,
 * and `note` hears once what was left out (for one line on stderr).
 */
export class FittedTable {
  private visible: number[] | undefined;
  private noted = false;
  private hidden: string[] = [];
  private cut = false;
  constructor(
    private readonly columns: readonly FitColumn[],
    private readonly opts: FitOptions,
    private readonly color: boolean,
  ) {}

  /** The page as text; `paint` colours a cell after it was cut (`column` is the index in `columns`). */
  render(rows: readonly (readonly string[])[], paint?: (cell: string, column: number) => string): string {
    const fit = fitTable(this.columns, rows, this.opts, this.visible);
    this.visible = fit.visible;
    this.hidden = fit.hidden;
    this.cut ||= fit.cut;
    const table = newTable(fit.head, this.color);
    for (const row of fit.rows) table.push(paint ? row.map((cell, v) => paint(cell, fit.visible[v]!)) : row);
    return table.toString() + '\n';
  }

  /** The note for stderr, once, after the last page; undefined when nothing was left out. */
  note(): string | undefined {
    if (this.noted) return undefined;
    this.noted = true;
    return fitNote(this.hidden, this.cut);
  }
}

/** One page that fits, for renderers that print a whole table at once; `paint` as in FittedTable.render. */
export function renderFitted(
  columns: readonly FitColumn[],
  rows: readonly (readonly string[])[],
  opts: FitOptions,
  color: boolean,
  notes?: (line: string) => void,
  paint?: (cell: string, column: number) => string,
): string {
  const t = new FittedTable(columns, opts, color);
  const text = t.render(rows, paint);
  const line = t.note();
  if (line && notes) notes(line);
  return text;
}

/** The width tables are fitted to: the terminal's, else `COLUMNS`, else 80. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return 80;
}
