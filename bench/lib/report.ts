/** Figures of the template benchmark, their mean and the table printed for people. */

/** Drain's grouping accuracy on Loghub-2k as published by Zhu et al. (ICSE-SEIP 2019). */
export const DRAIN_PUBLISHED_GA: Readonly<Record<string, number>> = {
  HDFS: 0.998,
  Hadoop: 0.948,
  Spark: 0.92,
  Zookeeper: 0.967,
  BGL: 0.963,
  HPC: 0.887,
  Thunderbird: 0.955,
  Windows: 0.997,
  Linux: 0.69,
  Android: 0.911,
};

/** Field names as in the `--json` output. */
export interface SystemFigures {
  readonly grouping_accuracy: number;
  /** Share of lines whose template equals the corrected ground truth (parsing-accuracy.ts); only with `_corrected` CSVs. */
  readonly parsing_accuracy?: number;
  readonly coverage_templates: number;
  readonly coverage_raw: number;
  /** Only for systems with alert labels (BGL). */
  readonly alert_coverage?: number;
  readonly lines_per_second: number;
  /** Read the raw `.log`, split lines and headers, mine and render a payload: lines per CPU second. */
  readonly lines_per_second_end_to_end: number;
  readonly peak_rss_mb: number;
  readonly drain_grouping_accuracy?: number;
}

export interface SystemResult extends SystemFigures {
  readonly name: string;
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The mean of each figure over the systems that have it. */
export function meanFigures(results: readonly SystemResult[]): SystemFigures {
  const of = (pick: (result: SystemResult) => number | undefined): number | undefined =>
    mean(results.map(pick).filter((value): value is number => value !== undefined));
  const alert = of((result) => result.alert_coverage);
  const parsing = of((result) => result.parsing_accuracy);
  const drain = of((result) => result.drain_grouping_accuracy);
  return {
    grouping_accuracy: of((result) => result.grouping_accuracy) ?? 0,
    ...(parsing === undefined ? {} : { parsing_accuracy: parsing }),
    coverage_templates: of((result) => result.coverage_templates) ?? 0,
    coverage_raw: of((result) => result.coverage_raw) ?? 0,
    ...(alert === undefined ? {} : { alert_coverage: alert }),
    lines_per_second: of((result) => result.lines_per_second) ?? 0,
    lines_per_second_end_to_end: of((result) => result.lines_per_second_end_to_end) ?? 0,
    peak_rss_mb: of((result) => result.peak_rss_mb) ?? 0,
    ...(drain === undefined ? {} : { drain_grouping_accuracy: drain }),
  };
}

const COLUMNS: ReadonlyArray<{ title: string; cell: (figures: SystemFigures) => string }> = [
  { title: 'GA', cell: (f) => f.grouping_accuracy.toFixed(3) },
  { title: 'Drain GA', cell: (f) => f.drain_grouping_accuracy?.toFixed(3) ?? '-' },
  { title: 'PA', cell: (f) => f.parsing_accuracy?.toFixed(3) ?? '-' },
  { title: 'cover tpl@8k', cell: (f) => percent(f.coverage_templates) },
  { title: 'cover raw@8k', cell: (f) => percent(f.coverage_raw) },
  { title: 'alert cover', cell: (f) => (f.alert_coverage === undefined ? '-' : percent(f.alert_coverage)) },
  { title: 'lines/s', cell: (f) => Math.round(f.lines_per_second).toLocaleString('en-US') },
  { title: 'e2e lines/s', cell: (f) => Math.round(f.lines_per_second_end_to_end).toLocaleString('en-US') },
  { title: 'peak RSS MB', cell: (f) => f.peak_rss_mb.toFixed(0) },
];

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** A plain-text table: one row per system and a mean row. */
export function formatTable(results: readonly SystemResult[], meanRow: SystemFigures): string {
  const rows = [...results.map((result) => [result.name, ...COLUMNS.map((column) => column.cell(result))]), ['mean', ...COLUMNS.map((column) => column.cell(meanRow))]];
  const header = ['system', ...COLUMNS.map((column) => column.title)];
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const format = (row: readonly string[]): string =>
    row.map((cell, index) => (index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0))).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [format(header), rule, ...rows.slice(0, -1).map(format), rule, format(rows.at(-1) ?? [])].join('\n');
}
