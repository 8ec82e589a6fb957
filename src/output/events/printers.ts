import { isAscii } from 'node:buffer';
import chalk from 'chalk';
import { eventNameOf, eventSourceOf, type CloudTrailEvent } from '../../cloudtrail/event.js';
import { cellText, fieldName, getPath, project, type Field } from './fields.js';
import { principalLabel } from '../../cloudtrail/principal.js';
import { serviceOf } from '../../cloudtrail/arn.js';
import { neutralize } from '../sanitize.js';
import type { OutputWriter } from '../writer.js';
import { csvCell } from '../csv.js';
import { TimelineSkips, timesketchLine } from '../timesketch.js';
import { FittedTable, type FitColumn, type FitOptions } from '../fit.js';

export type OutputFormat = 'ndjson' | 'json' | 'csv' | 'table' | 'timesketch';

export interface PrintedEvent {
  event: CloudTrailEvent;
  raw?: Buffer;
}

/** The sink (ripgrep's printer): it knows how to show an event, not where events come from. */
export interface EventPrinter {
  print(hit: PrintedEvent): Promise<void> | undefined;
  end(): Promise<void>;
  /** After end: one stderr line when events were left out (the run is then incomplete). */
  leftOut?(): string | undefined;
}

export interface PrinterOptions {
  fields?: Field[];
  /** Colour and control-character neutralising apply only when a person reads a terminal. */
  color: boolean;
  /** How the table fits the terminal (default: 80 columns). */
  fit?: FitOptions;
  /** Hears the one stderr line that says what the table left out. */
  notes?: (line: string) => void;
}

interface Column extends FitColumn {
  value(e: CloudTrailEvent): string;
}

/** Dropped from the right of this list first when the terminal is narrow: when, what, who, did it fail. */
const DEFAULT_COLUMNS: Column[] = [
  { header: 'time', priority: 1, min: 20, value: (e) => e.eventTime },
  { header: 'account', priority: 8, min: 12, value: (e) => e.recipientAccountId ?? e.userIdentity?.accountId ?? '' },
  { header: 'region', priority: 7, min: 9, value: (e) => e.awsRegion },
  { header: 'source', priority: 6, min: 10, value: (e) => serviceOf(eventSourceOf(e)) },
  { header: 'event', priority: 2, min: 12, value: (e) => eventNameOf(e) + (e.eventType === 'AwsCloudTrailInsight' ? ' (Insight)' : '') },
  { header: 'principal', priority: 3, min: 18, value: principalLabel },
  { header: 'source IP', priority: 5, min: 15, value: (e) => e.sourceIPAddress ?? '' },
  { header: 'error', priority: 4, min: 12, value: (e) => e.errorCode ?? '' },
];

/** With --fields, the columns asked for, in the order asked: the first matters most. */
function columnsFor(fields: Field[] | undefined): Column[] {
  if (!fields?.length) return DEFAULT_COLUMNS;
  return fields.map((f, i) => ({ header: fieldName(f), priority: i + 1, value: (e) => cellText(getPath(e, f.path)) }));
}

export function createPrinter(format: OutputFormat, out: OutputWriter, opts: PrinterOptions): EventPrinter {
  switch (format) {
    case 'ndjson':
      return new NdjsonPrinter(out, opts.fields);
    case 'json':
      return new JsonArrayPrinter(out, opts.fields);
    case 'csv':
      return new CsvPrinter(out, columnsFor(opts.fields));
    case 'timesketch':
      return new TimesketchPrinter(out, opts.fields);
    case 'table':
      return new TablePrinter(out, columnsFor(opts.fields), opts.color, opts.fit ?? { width: 80, wide: false }, opts.notes);
  }
}

function eventJson(hit: PrintedEvent, fields: Field[] | undefined): string {
  if (fields?.length) return JSON.stringify(project(hit.event, fields));
  // The record's own bytes when we have them: exactly what AWS wrote, and no re-serialising cost.
  // Pure-ASCII bytes (nearly every record) decode several times faster as latin1, to the same string.
  return hit.raw ? (isAscii(hit.raw) ? hit.raw.toString('latin1') : hit.raw.toString('utf8')) : JSON.stringify(hit.event);
}

const NEWLINE = Buffer.from('\n');

class NdjsonPrinter implements EventPrinter {
  constructor(
    private readonly out: OutputWriter,
    private readonly fields: Field[] | undefined,
  ) {}
  print(hit: PrintedEvent) {
    // ASCII record bytes are their own UTF-8: written as they are, with no string made (the broad-scan hot path).
    if (hit.raw && !this.fields?.length && isAscii(hit.raw)) {
      const w = this.out.write(hit.raw);
      return this.out.write(NEWLINE) ?? w;
    }
    return this.out.write(eventJson(hit, this.fields) + '\n');
  }
  async end() {
    await this.out.end();
  }
}

class JsonArrayPrinter implements EventPrinter {
  private first = true;
  constructor(
    private readonly out: OutputWriter,
    private readonly fields: Field[] | undefined,
  ) {}
  print(hit: PrintedEvent) {
    const sep = this.first ? '[\n' : ',\n';
    this.first = false;
    return this.out.write(sep + eventJson(hit, this.fields));
  }
  async end() {
    this.out.write(this.first ? '[]\n' : '\n]\n');
    await this.out.end();
  }
}

class CsvPrinter implements EventPrinter {
  private headerDone = false;
  constructor(
    private readonly out: OutputWriter,
    private readonly columns: Column[],
  ) {}
  print(hit: PrintedEvent) {
    if (!this.headerDone) {
      this.headerDone = true;
      this.out.write(this.columns.map((c) => csvCell(c.header)).join(',') + '\n');
    }
    return this.out.write(this.columns.map((c) => csvCell(c.value(hit.event))).join(',') + '\n');
  }
  async end() {
    if (!this.headerDone) this.out.write(this.columns.map((c) => csvCell(c.header)).join(',') + '\n');
    await this.out.end();
  }
}

/** Timesketch JSONL: an event whose time cannot be read is left out, and said once at the end. */
class TimesketchPrinter implements EventPrinter {
  private readonly skips = new TimelineSkips();
  constructor(
    private readonly out: OutputWriter,
    private readonly fields: Field[] | undefined,
  ) {}
  print(hit: PrintedEvent) {
    const line = timesketchLine(hit.event, this.fields?.length ? { fields: project(hit.event, this.fields) } : {});
    if (line === undefined) {
      this.skips.add(hit.event);
      return undefined;
    }
    return this.out.write(line);
  }
  async end() {
    await this.out.end();
  }
  leftOut() {
    return this.skips.line();
  }
}

/** Rows are rendered in pages so a long result starts printing early and memory stays bounded. */
const TABLE_PAGE = 500;

class TablePrinter implements EventPrinter {
  private rows: string[][] = [];
  private readonly errorColumn: number;
  private readonly table: FittedTable;
  constructor(
    private readonly out: OutputWriter,
    private readonly columns: Column[],
    private readonly color: boolean,
    fit: FitOptions,
    private readonly notes: ((line: string) => void) | undefined,
  ) {
    this.errorColumn = columns.findIndex((c) => c.header === 'error');
    this.table = new FittedTable(columns, fit, color);
  }
  print(hit: PrintedEvent) {
    this.rows.push(this.columns.map((c) => neutralize(c.value(hit.event))));
    if (this.rows.length >= TABLE_PAGE) return this.flushPage();
    return undefined;
  }
  private flushPage() {
    const paint = this.color && this.errorColumn >= 0 ? (cell: string, i: number) => (i === this.errorColumn && cell ? chalk.red(cell) : cell) : undefined;
    const text = this.table.render(this.rows, paint);
    this.rows = [];
    return this.out.write(text);
  }
  async end() {
    if (this.rows.length) await this.flushPage();
    const note = this.table.note();
    if (note) this.notes?.(note);
    await this.out.end();
  }
}
