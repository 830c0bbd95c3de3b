/**
 * Numbers keep their meaning: for a template position that holds a number on every line, the
 * payload shows the window's range (`request took <12–9500>ms`), and lines whose number is an
 * outlier for that position are shown verbatim.
 *
 * The outlier rule (generic, robust to the usual spread of latencies, sizes and counts), for a
 * position with at least {@link MIN_VALUES} values, all ≥ 0:
 * - far above the median: a value ≥ {@link MEDIAN_FACTOR}× the median (when the median is 0: any
 *   value above 0);
 * - or beyond the others' range: the highest values, when they are at least {@link GAP_FACTOR}×
 *   the largest of the other values;
 * and in both cases only when such values are rare: at most {@link OUTLIER_SHARE} of the values
 * (at least one). A spread that many lines share is a distribution, not an outlier. Only high
 * values count: low ones are mostly the first of a counter or an id (`job 0`, `job 1`, …).
 */

/** A variable position of a template whose every line held a number there. */
export interface NumberRange {
  /** Index of the token in the template text (tokens are separated by single spaces). */
  readonly token: number;
  readonly min: number;
  readonly max: number;
  /** The smallest and largest value as written in the lines (`12.50`, not `12.5`). */
  readonly minText: string;
  readonly maxText: string;
  /** A unit written right after the number (`ms` in `12ms`), the same on every line; '' when none. */
  readonly unit: string;
}

export const MIN_VALUES = 5;
export const MEDIAN_FACTOR = 10;
export const GAP_FACTOR = 3;
export const OUTLIER_SHARE = 0.05;

/** Longest unit kept after a number (`ms`, `KB`, `%`). */
const MAX_UNIT = 8;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isUnitChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 37;
}

/**
 * A number and its unit read from a variable's text (`12`, `-3.5`, `12ms`, `80%`), or undefined
 * when it is not one: an optional sign, digits, an optional fraction, then at most MAX_UNIT letters.
 */
export function readNumber(text: string): { value: number; text: string; unit: string } | undefined {
  const length = text.length;
  if (length === 0 || length > 40) return undefined;
  let i = 0;
  const sign = text.charCodeAt(0);
  if (sign === 45 || sign === 43) i = 1;
  const digitsFrom = i;
  while (i < length && isDigit(text.charCodeAt(i))) i += 1;
  if (i === digitsFrom) return undefined;
  if (i < length && text.charCodeAt(i) === 46) {
    const fractionFrom = i + 1;
    let j = fractionFrom;
    while (j < length && isDigit(text.charCodeAt(j))) j += 1;
    if (j === fractionFrom) return undefined;
    i = j;
  }
  const numberEnd = i;
  while (i < length && isUnitChar(text.charCodeAt(i))) i += 1;
  if (i !== length || length - numberEnd > MAX_UNIT) return undefined;
  const digits = numberEnd === length ? text : text.slice(0, numberEnd);
  return { value: Number(digits), text: digits, unit: numberEnd === length ? '' : text.slice(numberEnd) };
}

/**
 * Indexes (into `values`) of the outliers of one position, by the rule in the module comment.
 * Each comes with how far it is from the median (a ratio ≥ 1), for choosing which to show.
 */
export function findOutliers(values: readonly number[]): Map<number, number> {
  const found = new Map<number, number>();
  const n = values.length;
  if (n < MIN_VALUES) return found;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  // values within a factor of GAP_FACTOR of each other hold neither a gap nor a value far above the median
  if (min < 0 || (min > 0 && max < GAP_FACTOR * min) || max === 0) return found;
  const order = values.map((_, index) => index).sort((a, b) => (values[a] as number) - (values[b] as number));
  const sorted = order.map((index) => values[index] as number);
  const median = n % 2 === 1 ? (sorted[(n - 1) / 2] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
  const cap = Math.max(1, Math.floor(n * OUTLIER_SHARE));
  const distance = (value: number): number => {
    if (median === 0) return value === 0 ? 1 : Number.POSITIVE_INFINITY;
    return value / median;
  };

  const far = order.filter((index) => distance(values[index] as number) >= MEDIAN_FACTOR);
  if (far.length <= cap) for (const index of far) found.set(index, distance(values[index] as number));

  for (let k = Math.min(cap, n - 1); k >= 1; k -= 1) {
    const lowest = sorted[n - k] as number;
    const rest = sorted[n - k - 1] as number;
    if (lowest > 0 && lowest >= GAP_FACTOR * rest) {
      for (const index of order.slice(n - k)) found.set(index, Math.max(distance(values[index] as number), lowest / Math.max(rest, Number.MIN_VALUE)));
      break;
    }
  }
  return found;
}

/** The template text with each numeric position shown as its range: `took <12–9500>ms`. */
export function templateWithRanges(template: string, ranges: readonly NumberRange[] | undefined): string {
  if (ranges === undefined || ranges.length === 0) return template;
  const tokens = template.split(' ');
  for (const range of ranges) {
    const token = tokens[range.token];
    if (token === undefined) continue;
    const shown = range.min === range.max ? `<${range.minText}>` : `<${range.minText}–${range.maxText}>`;
    tokens[range.token] = token.replace('<*>', `${shown}${range.unit}`);
  }
  return tokens.join(' ');
}
