/**
 * Batch grouping of masked token rows into templates, after Brain (Yu et al., "Brain: Log Parsing
 * with Bidirectional Parallel Tree", IEEE TSC 2023): group first, then decide which positions are
 * variable from the group's own statistics.
 *
 * For rows of one length (and, in the miner, one level):
 * 1. every (position, token) pair is counted over the rows;
 * 2. each row's "longest common pattern" is the set of its tokens that share the frequency held by
 *    most of its tokens (ties: the higher frequency). The constant words of one message occur on
 *    every line of that message, so they share a frequency; variables do not. Rows with the same
 *    pattern (frequency, positions and tokens) form a group;
 * 3. inside a group, the remaining positions are settled one at a time, the one with the fewest
 *    distinct values first: a position with at least {@link VARIABLE_VALUES} distinct values (or
 *    {@link SINGLE_VALUES} that never repeat) is a variable; otherwise its values are constants that name different messages, the group splits
 *    by them and each part is settled on its own (so `VM Started` and `VM Paused` stay apart while
 *    `user <*>` takes any name).
 *
 * Rows whose templates come out equal are one template. Nothing here knows a log format: the only
 * setting is {@link VARIABLE_VALUES}, the same for every log.
 */
import { WILDCARD } from './masking.ts';

/**
 * Distinct values at which a position of a group is a variable. Fewer values are constants of
 * different messages (`true`/`false`, `Started`/`Paused`/`Resumed`).
 */
export const VARIABLE_VALUES = 4;

/** Fewer values are a variable too when there are at least this many and none repeats (`user alice`, `user bob`, `user carol`). */
export const SINGLE_VALUES = 3;

/** See fewRepeated. */
const MAX_REPEATED_VALUES = 8;
const REPEATED_LINES = 5;

/** A value of a many-valued position that fills this share of its group (and FREQUENT_LINES lines) is a constant. */
export const FREQUENT_SHARE = 0.4;
export const FREQUENT_LINES = 10;

/** Word positions that vary together (see linkedWords): combinations per value of the most varied, and lines per combination. */
const LINKED_SLACK = 1.5;
const LINKED_REPEAT = 2;

/** Result of grouping: the template tokens, and for each input row the index of its template. */
export interface Grouping {
  readonly templates: string[][];
  readonly templateOf: Int32Array;
}

/** Groups rows of equal length into templates (see the module comment). */
export function groupRows(rows: readonly (readonly string[])[]): Grouping {
  const width = rows[0]?.length ?? 0;
  if (rows.length === 1) return { templates: [[...(rows[0] as readonly string[])]], templateOf: new Int32Array(1) };
  // per column, each token's id (its first row) and count; a row's tokens become their counts
  const ids: Array<Map<string, number>> = Array.from({ length: width }, () => new Map());
  const counts: number[][] = Array.from({ length: width }, () => []);
  const tokenIds = new Int32Array(rows.length * width);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r] as readonly string[];
    for (let p = 0; p < width; p += 1) {
      const token = row[p] as string;
      if (token === WILDCARD) {
        tokenIds[r * width + p] = -1;
        continue;
      }
      const column = ids[p] as Map<string, number>;
      let id = column.get(token);
      if (id === undefined) {
        id = column.size;
        column.set(token, id);
        (counts[p] as number[]).push(0);
      }
      (counts[p] as number[])[id] = ((counts[p] as number[])[id] as number) + 1;
      tokenIds[r * width + p] = id;
    }
  }

  // rows are grouped by (root frequency, positions and tokens holding it): hashed, then checked
  const groups: number[][] = [];
  const byHash = new Map<number, number[]>();
  const roots = new Int32Array(rows.length);
  const frequencies = new Array<number>(width);
  const samePattern = (a: number, b: number): boolean => {
    if (roots[a] !== roots[b]) return false;
    const root = roots[a] as number;
    for (let p = 0; p < width; p += 1) {
      const idA = tokenIds[a * width + p] as number;
      const idB = tokenIds[b * width + p] as number;
      const inA = idA >= 0 && (counts[p] as number[])[idA] === root;
      const inB = idB >= 0 && (counts[p] as number[])[idB] === root;
      if (inA !== inB || (inA && idA !== idB)) return false;
    }
    return true;
  };
  for (let r = 0; r < rows.length; r += 1) {
    // a masked variable (`<*>`, id -1) is known not to be part of the pattern
    for (let p = 0; p < width; p += 1) {
      const id = tokenIds[r * width + p] as number;
      frequencies[p] = id < 0 ? 0 : ((counts[p] as number[])[id] as number);
    }
    const root = rootFrequency(frequencies, width);
    roots[r] = root;
    let hash = Math.imul(root, 0x9e3779b1) | 0;
    for (let p = 0; p < width; p += 1) {
      if (frequencies[p] === root) hash = Math.imul(hash ^ ((p << 20) + (tokenIds[r * width + p] as number)), 0x85ebca6b) | 0;
    }
    const candidates = byHash.get(hash);
    const group = candidates?.map((index) => groups[index] as number[]).find((members) => samePattern(members[0] as number, r));
    if (group !== undefined) {
      group.push(r);
      continue;
    }
    groups.push([r]);
    if (candidates === undefined) byHash.set(hash, [groups.length - 1]);
    else candidates.push(groups.length - 1);
  }

  const templates: string[][] = [];
  const byText = new Map<string, number>();
  const templateOf = new Int32Array(rows.length);
  for (const members of groups) {
    settle(rows, members, width, new Map(), (template, part) => {
      const text = template.join(' ');
      let index = byText.get(text);
      if (index === undefined) {
        index = templates.length;
        templates.push(template);
        byText.set(text, index);
      }
      for (const r of part) templateOf[r] = index;
    });
  }
  return { templates, templateOf };
}

/**
 * A few values that are one variable written around the same constant text: `(<*>)` and `()`,
 * `rhost=<*>` and `rhost=host.example.org`, `<*>,` and `LOCAL(<*>),`. Returns the shared shape
 * (the `<*>`-bearing value's text around its variable), or undefined when they are different words.
 */
export function commonShape(values: ReadonlySet<string>): string | undefined {
  let shape: string | undefined;
  for (const value of values) {
    const cut = value.indexOf(WILDCARD);
    if (cut < 0) continue;
    const end = value.lastIndexOf(WILDCARD) + WILDCARD.length;
    shape = `${value.slice(0, cut)}${WILDCARD}${value.slice(end)}`;
    break;
  }
  // a bare `<*>` says nothing about the words beside it (`<*>` and `****` in `Fan speeds ( … )`)
  if (shape === undefined || shape === WILDCARD) return undefined;
  for (const value of values) if (!shapeAccepts(shape, value)) return undefined;
  return shape;
}

const SEPARATORS = '=:,;()[]{}"\'<>|';

/**
 * The shape of a variable position: {@link commonShape}, or the punctuation its words all start
 * and end with (`tag="<*>",` for `tag="WindowManager",` and `tag="AudioMix",`), or `<*>`.
 * A literal part is kept only when it ends (prefix) or starts (suffix) with punctuation, so names
 * that merely share letters (`alice`, `anna`) give `<*>`.
 */
export function variableShape(values: ReadonlySet<string>): string {
  const shared = commonShape(values);
  if (shared !== undefined) return shared;
  let prefix: string | undefined;
  let suffix: string | undefined;
  let shortest = Number.POSITIVE_INFINITY;
  for (const value of values) {
    shortest = Math.min(shortest, value.length);
    if (prefix === undefined || suffix === undefined) {
      prefix = value;
      suffix = value;
      continue;
    }
    let i = 0;
    while (i < prefix.length && prefix.charCodeAt(i) === value.charCodeAt(i)) i += 1;
    prefix = prefix.slice(0, i);
    let j = 0;
    while (j < suffix.length && suffix.charCodeAt(suffix.length - 1 - j) === value.charCodeAt(value.length - 1 - j)) j += 1;
    suffix = suffix.slice(suffix.length - j);
  }
  if (prefix === undefined || suffix === undefined) return WILDCARD;
  while (prefix.length > 0 && !SEPARATORS.includes(prefix.charAt(prefix.length - 1))) prefix = prefix.slice(0, -1);
  while (suffix.length > 0 && !SEPARATORS.includes(suffix.charAt(0))) suffix = suffix.slice(1);
  if (prefix.length + suffix.length > shortest) return WILDCARD;
  return `${prefix}${WILDCARD}${suffix}`;
}

/** Whether a token fits a shape of the form `prefix<*>suffix`, or equals a shape without `<*>`. */
export function shapeAccepts(shape: string, token: string): boolean {
  if (shape === token || shape === WILDCARD) return true;
  const cut = shape.indexOf(WILDCARD);
  if (cut < 0) return false;
  const suffix = shape.length - cut - WILDCARD.length;
  return token.length >= cut + suffix && token.startsWith(shape.slice(0, cut)) && token.endsWith(shape.slice(cut + WILDCARD.length));
}

/**
 * A position with many values, a few of which fill a large share of the group each (`boot` and
 * `wait` in 133 of 141 `<*> (command <*>)` lines), holds constants of different messages: those
 * values become templates of their own and the rare values stay a variable. Returns false when no
 * value is that frequent.
 */
function splitFrequent(
  rows: readonly (readonly string[])[],
  members: readonly number[],
  width: number,
  p: number,
  known: ReadonlyMap<number, string>,
  emit: (template: string[], part: readonly number[]) => void,
): boolean {
  const counts = new Map<string, number[]>();
  for (const r of members) {
    const value = (rows[r] as readonly string[])[p] as string;
    const part = counts.get(value);
    if (part === undefined) counts.set(value, [r]);
    else part.push(r);
  }
  const least = Math.max(FREQUENT_LINES, members.length * FREQUENT_SHARE);
  const rest: number[] = [];
  const frequent: number[][] = [];
  for (const [value, part] of counts) {
    if (part.length >= least && !value.includes(WILDCARD)) frequent.push(part);
    else rest.push(...part);
  }
  if (frequent.length === 0) return false;
  for (const part of frequent) settle(rows, part, width, known, emit);
  if (rest.length > 0) {
    rest.sort((a, b) => a - b);
    const shapes = new Map(known);
    shapes.set(p, variableShape(new Set(rest.map((r) => (rows[r] as readonly string[])[p] as string))));
    settle(rows, rest, width, shapes, emit);
  }
  return true;
}

/**
 * Word positions (no masked part) taken for variables that change together in this group: their
 * combinations are hardly more than the values of the most varied one, and each repeats on
 * LINKED_REPEAT lines on average (`from NEW to UNASSIGNED`, `from UNASSIGNED to ASSIGNED`, …).
 * Independent variables (a user and a host) make many more combinations. Returns those
 * positions, to split the group by, or none.
 */
function linkedWords(rows: readonly (readonly string[])[], members: readonly number[], shapes: ReadonlyMap<number, string>): number[] {
  const words: number[] = [];
  let most = 0;
  for (const p of shapes.keys()) {
    const values = columnValues(rows, members, p);
    if (values.size < 2 || [...values].some((value) => value.includes(WILDCARD))) continue;
    words.push(p);
    most = Math.max(most, values.size);
  }
  if (words.length < 2) return [];
  const combinations = new Set<string>();
  for (const r of members) {
    const row = rows[r] as readonly string[];
    combinations.add(words.map((p) => row[p] as string).join(' '));
  }
  const linked = combinations.size <= most * LINKED_SLACK && members.length >= combinations.size * LINKED_REPEAT;
  return linked ? words : [];
}

/**
 * A handful of words that each fill many lines of the group (`VM Started`, `VM Paused`,
 * `VM Resumed`, `VM Stopped` after one `[instance: <*>]` prefix) are different messages, not one
 * variable: at most MAX_REPEATED_VALUES values, each on at least REPEATED_LINES lines.
 */
function fewRepeated(rows: readonly (readonly string[])[], members: readonly number[], p: number): boolean {
  const counts = new Map<string, number>();
  for (const r of members) {
    const value = (rows[r] as readonly string[])[p] as string;
    counts.set(value, (counts.get(value) ?? 0) + 1);
    if (counts.size > MAX_REPEATED_VALUES) return false;
  }
  for (const [value, count] of counts) if (count < REPEATED_LINES || value.includes(WILDCARD)) return false;
  return true;
}

/** A unit of size or time written after a number, with the punctuation that may follow it. */
export const UNIT = /^(?:[KMGTP]i?B|B|bytes?|[mµun]?s|secs?|seconds?|mins?|minutes?|h|hours?)[,;:)\]]*$/;

/**
 * A few unit words right after a variable are part of it (`size <*> KB,` and `size <*> B,`: a
 * size written in the unit its magnitude calls for). Returns their shape, or undefined.
 */
function unitShape(rows: readonly (readonly string[])[], members: readonly number[], p: number, values: ReadonlySet<string>): string | undefined {
  if (p === 0) return undefined;
  for (const value of values) if (!UNIT.test(value)) return undefined;
  for (const r of members) if (!((rows[r] as readonly string[])[p - 1] as string).includes(WILDCARD)) return undefined;
  return variableShape(new Set(values));
}

function columnValues(rows: readonly (readonly string[])[], members: readonly number[], p: number): Set<string> {
  const values = new Set<string>();
  for (const r of members) values.add((rows[r] as readonly string[])[p] as string);
  return values;
}

/** The frequency held by most positions; ties go to the higher frequency. Zero (a masked variable) never counts. */
function rootFrequency(frequencies: readonly number[], width: number): number {
  // a row holds few distinct frequencies: a linear scan of them beats a map
  const values: number[] = [];
  const times: number[] = [];
  let best = 0;
  let bestTimes = 0;
  for (let p = 0; p < width; p += 1) {
    const value = frequencies[p] as number;
    if (value === 0) continue;
    let at = values.indexOf(value);
    if (at < 0) {
      at = values.length;
      values.push(value);
      times.push(0);
    }
    const now = (times[at] as number) + 1;
    times[at] = now;
    if (now > bestTimes || (now === bestTimes && value > best)) {
      best = value;
      bestTimes = now;
    }
  }
  return best;
}

/**
 * Decides the variable positions of one group, splitting it by positions whose few values are
 * constants, and hands each part's template to `emit`.
 */
function settle(
  rows: readonly (readonly string[])[],
  members: readonly number[],
  width: number,
  known: ReadonlyMap<number, string>,
  emit: (template: string[], part: readonly number[]) => void,
): void {
  const first = rows[members[0] as number] as readonly string[];
  const template = [...first];
  let splitAt = -1;
  let fewest = Number.POSITIVE_INFINITY;
  // a position found variable in the whole group stays variable in its parts, however small
  const variable = new Set(known.keys());
  const shapes = new Map(known);
  for (let p = 0; p < width; p += 1) {
    if (variable.has(p)) continue;
    const token = first[p] as string;
    let uniform = true;
    for (const r of members) {
      if ((rows[r] as readonly string[])[p] !== token) {
        uniform = false;
        break;
      }
    }
    if (uniform) continue;
    const seen = new Set<string>();
    for (const r of members) {
      seen.add((rows[r] as readonly string[])[p] as string);
      if (seen.size >= VARIABLE_VALUES) break;
    }
    if (seen.size === 1) continue;
    const many = (seen.size >= VARIABLE_VALUES && !fewRepeated(rows, members, p)) || (seen.size >= SINGLE_VALUES && seen.size === members.length);
    const shape = many ? variableShape(columnValues(rows, members, p)) : (commonShape(seen) ?? unitShape(rows, members, p, seen));
    if (shape !== undefined && many) {
      if (splitFrequent(rows, members, width, p, shapes, emit)) return;
    }
    if (shape !== undefined) {
      variable.add(p);
      shapes.set(p, shape);
    } else if (seen.size < fewest) {
      fewest = seen.size;
      splitAt = p;
    }
  }
  const linked = splitAt < 0 ? linkedWords(rows, members, shapes) : [];
  if (splitAt >= 0 || linked.length > 0) {
    const at = splitAt >= 0 ? [splitAt] : linked;
    const parts = new Map<string, number[]>();
    for (const r of members) {
      const row = rows[r] as readonly string[];
      const value = at.map((q) => row[q] as string).join(' ');
      const part = parts.get(value);
      if (part === undefined) parts.set(value, [r]);
      else part.push(r);
    }
    // the parts keep the variables found so far, except the linked words they were split by
    const inherited = new Map(shapes);
    for (const q of linked) inherited.delete(q);
    for (const part of parts.values()) settle(rows, part, width, inherited, emit);
    return;
  }
  for (const [p, shape] of shapes) template[p] = shape;
  emit(template, members);
}
