/**
 * Structured inputs as compact tables. Logs Insights rows (above all `stats` results) and daily
 * costs are data, not free text: their values are shown verbatim, one row a line, never masked
 * into templates, so a spike (`88.00` among `12.50`s) or a slow bin stays in front of the model.
 *
 * ```
 * # table: 3 rows × 2 columns, in the query's order
 * bin(5m) | avg(duration)
 * 2026-11-27 10:00:00.000 | 120.5
 * ...
 * # daily cost in USD: 3 days × 2 groups, oldest first
 * day | Amazon Elastic Compute Cloud - Compute | Amazon Simple Storage Service
 * 2026-11-25 | 12.50 | 0.30
 * 2026-11-26 | 88.00 | -
 * ...
 * month-to-date since 2026-11-01 total 350.80 USD
 * ```
 *
 * Cells are separated by ` | ` (a `|` inside a value is written `\|`, a line break `\n`); a cost
 * group without an amount on a day shows `-`. When the window's bounds cannot hold every row,
 * an Insights table keeps its first rows (the query's order: a `sort … | limit` puts what matters
 * first) and a cost table its newest days; the caption says how many rows are shown.
 */
import type { CollectedLine } from './types.ts';
import { formatLine, keepNewest, type RenderedWindow, type RenderOptions, type WindowRenderer } from './window.ts';

const SEPARATOR = ' | ';
const NO_AMOUNT = '-';

interface Table {
  /** The caption for `shown` of the table's rows. */
  caption: (shown: number) => string;
  header: string;
  rows: string[];
  /** Which rows stay when not all fit. */
  keep: 'first' | 'last';
  /** Lines shown verbatim after the table (a cost snapshot's totals, forecast and notes). */
  trailer: string[];
}

const EMPTY: RenderedWindow = { text: '', lines: 0, chars: 0, truncated: false };

function cell(value: string): string {
  return value.replace(/\r?\n|\r/g, '\\n').replace(/\|/g, '\\|').trim();
}

const tableRow = (cells: readonly string[]): string => cells.map(cell).join(SEPARATOR);
const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;
const shortTime = (timestamp: string): string => timestamp.replace(/\.000Z$/, 'Z');

/** A Logs Insights result whose every row has named values; null when it is free text (`@message` rows). */
export function insightsTable(lines: readonly CollectedLine[]): Table | null {
  if (lines.length === 0 || lines.some((line) => line.fields === undefined)) return null;
  const columns = [...new Set(lines.flatMap((line) => (line.fields ?? []).map(([name]) => name)))];
  const withTime = lines.some((line) => line.timestamp !== null);
  const withOrigin = lines.some((line) => line.origin !== undefined);
  const header = tableRow([...(withTime ? ['@timestamp'] : []), ...(withOrigin ? ['@log'] : []), ...columns]);
  const rows = lines.map((line) => {
    const values = new Map(line.fields);
    return tableRow([
      ...(withTime ? [line.timestamp === null ? '' : shortTime(line.timestamp)] : []),
      ...(withOrigin ? [line.origin ?? ''] : []),
      ...columns.map((column) => values.get(column) ?? ''),
    ]);
  });
  const size = `${plural(rows.length, 'row', 'rows')} × ${plural(columns.length, 'column', 'columns')}`;
  return {
    caption: (shown) => (shown === rows.length ? `# table: ${size}, in the query's order` : `# table: ${size}, the first ${shown} shown`),
    header,
    rows,
    keep: 'first',
    trailer: [],
  };
}

/** A cost snapshot's daily lines pivoted to one row a day and one column a group (largest first). */
export function costTable(lines: readonly CollectedLine[]): Table {
  const amounts = new Map<string, Map<string, string>>();
  const totals = new Map<string, number>();
  const units = new Set<string>();
  const trailer: string[] = [];
  for (const line of lines) {
    const fields = new Map(line.fields ?? []);
    const day = fields.get('day');
    const group = fields.get('group');
    const amount = fields.get('amount');
    if (day === undefined || group === undefined || amount === undefined) {
      const text = formatLine(line);
      if (text !== '') trailer.push(text);
      continue;
    }
    const days = amounts.get(day) ?? new Map<string, string>();
    days.set(group, amount);
    amounts.set(day, days);
    totals.set(group, (totals.get(group) ?? 0) + Number(amount));
    const unit = fields.get('unit');
    if (unit !== undefined) units.add(unit);
  }
  const groups = [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([group]) => group);
  const days = [...amounts.keys()].sort();
  const rows = days.map((day) => tableRow([day, ...groups.map((group) => amounts.get(day)?.get(group) ?? NO_AMOUNT)]));
  const unit = units.size === 1 ? ` in ${[...units][0]}` : '';
  const size = `${plural(days.length, 'day', 'days')} × ${plural(groups.length, 'group', 'groups')}`;
  return {
    caption: (shown) =>
      shown === rows.length ? `# daily cost${unit}: ${size}, oldest first` : `# daily cost${unit}: ${size}, the newest ${shown} shown`,
    header: tableRow(['day', ...groups]),
    rows,
    keep: 'last',
    trailer,
  };
}

/**
 * Lays a table out within the bounds: caption, header and trailer always, then as many rows as
 * fit from the end the table keeps. Null when not even the fixed parts fit.
 */
function fitTable(table: Table, options: RenderOptions): RenderedWindow | null {
  if (table.rows.length === 0) return table.trailer.length === 0 ? EMPTY : keepNewest(table.trailer, options.maxLines, options.maxChars);
  const longestCaption = Math.max(table.caption(table.rows.length).length, table.caption(table.rows.length - 1).length);
  const fixedLines = 2 + table.trailer.length;
  const fixedChars = longestCaption + 1 + table.header.length + table.trailer.reduce((sum, line) => sum + 1 + line.length, 0);
  if (fixedLines > options.maxLines || fixedChars > options.maxChars) return null;

  const order = table.keep === 'first' ? table.rows : [...table.rows].reverse();
  const kept: string[] = [];
  let chars = fixedChars;
  for (const row of order) {
    if (fixedLines + kept.length + 1 > options.maxLines || chars + 1 + row.length > options.maxChars) break;
    kept.push(row);
    chars += 1 + row.length;
  }
  const rows = table.keep === 'first' ? kept : kept.reverse();
  const text = [table.caption(rows.length), table.header, ...rows, ...table.trailer].join('\n');
  return { text, lines: fixedLines + rows.length, chars: text.length, truncated: rows.length < table.rows.length };
}

/** Renders a structured input as a table; null when the input is free text after all. */
export function renderTable(lines: readonly CollectedLine[], options: RenderOptions): RenderedWindow | null {
  if (options.inputMode === 'cost') {
    // Never templated: when even the table's frame does not fit, the newest lines verbatim.
    return fitTable(costTable(lines), options) ?? keepNewest(lines.map(formatLine).filter((line) => line !== ''), options.maxLines, options.maxChars);
  }
  if (options.inputMode === 'metrics') {
    // One computed line per series: never templated (the numbers are the point).
    return keepNewest(lines.map(formatLine), options.maxLines, options.maxChars);
  }
  if (options.inputMode === 'insights') {
    const table = insightsTable(lines);
    if (table === null) return null;
    return fitTable(table, options) ?? keepNewest(lines.map(formatLine), options.maxLines, options.maxChars);
  }
  return null;
}

/**
 * Wraps a free-text renderer (templates or raw): `cost` inputs and Insights results with named
 * values are rendered as tables, everything else by `render`.
 */
export function withTables(render: WindowRenderer): WindowRenderer {
  return (lines, options) => renderTable(lines, options) ?? render(lines, options);
}
