import Table from 'cli-table3';

export type TableOptions = Pick<Table.TableConstructorOptions, 'colWidths' | 'wordWrap' | 'wrapOnWordBoundary'>;

/**
 * Every table ctrail prints has this one style: cyan headings and grey borders when colour is on, plain
 * otherwise. Cells are the caller's to neutralise (they come from hostile data).
 */
export function newTable(head: string[], color: boolean, opts: TableOptions = {}): Table.Table {
  return new Table({ ...opts, head, style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] } });
}
