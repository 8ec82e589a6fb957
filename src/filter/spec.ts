/**
 * What the user asked for, as plain data (no behaviour). Flags combine with AND; the values of one
 * repeated flag combine with OR. Sources may read it to prune (trail layout, LookupEvents attributes);
 * the compiled matcher (flags.ts) decides exactly.
 */
export type EventCategory = 'management' | 'data' | 'insight';

export interface FilterSpec {
  eventNames?: string[];
  eventSources?: string[];
  users?: string[];
  accessKeys?: string[];
  sourceIps?: string[];
  regions?: string[];
  accounts?: string[];
  /** true: only failed calls; false: only successful ones. */
  errors?: boolean;
  /** true: read-only calls; false: write calls. */
  readOnly?: boolean;
  categories?: EventCategory[];
  resources?: string[];
  start?: Date;
  end?: Date;
  /** Raw substrings of the event's JSON text. */
  match?: string[];
}

export function isEmptySpec(spec: FilterSpec): boolean {
  return Object.values(spec).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
}
