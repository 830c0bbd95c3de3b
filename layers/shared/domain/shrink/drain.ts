/**
 * Log template miner: a window's lines become templates (`Connected to <*> in <*> ms`), each with
 * its count, level, first/last seen, real example lines, numeric ranges and outlier lines.
 *
 * Lines are mined batch-wise, as the runner mines one window at a time: they are buffered (at most
 * `maxBufferLines`), and a full buffer, or a request for templates or ids, mines the batch:
 * 1. each line's header is stripped (header.ts) and its message masked (masking.ts), so numbers,
 *    ids, paths, times and URLs never tell messages apart;
 * 2. lines are partitioned by level and token count: ERROR and INFO lines of one shape are two
 *    templates, and every line of a template has the template's level;
 * 3. each partition is grouped by the longest common pattern and its variable positions decided
 *    from the group's own statistics (group.ts, after Brain);
 * 4. templates of a later batch join the earlier templates with the same level and text, and a
 *    line that an earlier template already accepts joins it directly.
 *
 * The id of a template is a stable hash of its level and text, the same across runs and deploys.
 *
 * Memory is bounded by `maxBufferLines` lines plus the templates: a template keeps its tokens,
 * count, first/last seen, at most two example lines and a few outlier lines (each cut to
 * `maxExampleChars`), and per numeric position its range. Beyond `maxTemplates` templates, lines
 * that would need a new one are counted in one overflow template (see {@link OVERFLOW_ID}).
 */
import { createHash } from 'node:crypto';
import { UNIT, groupRows, shapeAccepts } from './group.ts';
import { headerTimestamp, levelRank, normalizeLevel, splitHeader } from './header.ts';
import type { LogLevel } from './header.ts';
import { WILDCARD, maskSpanning, maskToken } from './masking.ts';
import { findOutliers, readNumber } from './numbers.ts';
import { spanAlignment } from './spans.ts';
import type { NumberRange } from './numbers.ts';

/** Id of the template that counts lines which arrived after the template cap was reached. */
export const OVERFLOW_ID = 'overflow';
const OVERFLOW_TEXT = '(lines of further patterns, not mined: template limit reached)';

/** Settings of the miner; the defaults are the ones the benchmark measures. */
export interface MinerOptions {
  /** Templates created in total before new lines overflow. @default 2000 */
  readonly maxTemplates?: number;
  /** Tokens kept per template; the rest of a longer line is one trailing `<*>`. @default 160 */
  readonly maxTokens?: number;
  /** Characters kept of an example line. @default 1000 */
  readonly maxExampleChars?: number;
  /** Lines buffered before they are mined as one batch. @default 20000 */
  readonly maxBufferLines?: number;
}

/** What the caller knows about a line besides its text (e.g. a CloudWatch event's timestamp). */
export interface LineMeta {
  readonly timestamp?: string;
  /** A level name as the source writes it (`ERROR`, `warn`, `W`); see normalizeLevel. */
  readonly level?: string;
}

/** A real line kept as an example of its template. */
export interface TemplateExample {
  /** The line as received (cut to `maxExampleChars`). */
  readonly line: string;
  /** The message without its header. */
  readonly body: string;
  readonly timestamp?: string;
}

/** A mined template as handed to the renderer. */
export interface MinedTemplate {
  /** Stable id: a short hash of the level and {@link MinedTemplate.template}, or {@link OVERFLOW_ID}. */
  readonly id: string;
  /** The masked message with `<*>` for variables, tokens separated by single spaces. */
  readonly template: string;
  readonly count: number;
  /** The level of its lines (all lines of a template share it); for the overflow, the most severe. */
  readonly level?: LogLevel;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /** Position of the first and last line in the input (0-based). */
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** The first line and the latest line that differs from it. */
  readonly examples: readonly TemplateExample[];
  readonly overflow: boolean;
  /** Variable positions that held a number on every line: their range over the lines mined. */
  readonly numbers: readonly NumberRange[];
  /** Lines whose number is an outlier for its position (numbers.ts), most extreme first, at most three. */
  readonly outliers: readonly TemplateExample[];
}

/** One line as remembered by a template; the timestamp and body are worked out when listed. */
interface Sighting {
  readonly line: string;
  readonly bodyStart: number;
  readonly timestamp: string | undefined;
}

/** A line waiting in the buffer to be mined. */
interface Pending {
  readonly line: string;
  readonly bodyStart: number;
  readonly timestamp: string | undefined;
  readonly level: LogLevel | undefined;
  readonly tokens: string[];
  /** The unmasked token at each position, for reading numbers. */
  readonly raw: string[];
}

interface NumberSlot {
  min: number;
  max: number;
  minText: string;
  maxText: string;
  unit: string;
}

/**
 * Where a line of another length sits in its template's positions (spans.ts): the same before
 * `start`, `offset` further from `end` on, and nowhere in between.
 */
interface LineAlignment {
  readonly start: number;
  readonly end: number;
  readonly offset: number;
}

/** A token sequence a template accepts: its own, or one of a longer or shorter variable span. */
interface ShapeEntry {
  readonly tokens: readonly string[];
  readonly constants: number;
  readonly cluster: Cluster;
  readonly align: LineAlignment | undefined;
}

interface Assignment {
  readonly cluster: Cluster;
  readonly align: LineAlignment | undefined;
}

interface Outlier {
  readonly sighting: Sighting;
  readonly distance: number;
}

interface Cluster {
  readonly tokens: readonly string[];
  readonly id: string;
  readonly level: LogLevel | undefined;
  readonly constants: number;
  /** Whether some token holds a variable (`<*>`, `rhost=<*>`). */
  readonly variables: boolean;
  count: number;
  firstIndex: number;
  lastIndex: number;
  first: Sighting | undefined;
  last: Sighting | undefined;
  /** The latest line whose message differs from the first one's: the second example. */
  lastDifferent: Sighting | undefined;
  /** Per token position: its numeric range so far, or null once a line held no number there. */
  numbers: Map<number, NumberSlot | null>;
  outliers: Outlier[];
  /** Most severe level seen (only the overflow template mixes levels). */
  overflowLevel: LogLevel | undefined;
}

const BLANKS = /\s+/;

const DEFAULTS: Required<MinerOptions> = {
  maxTemplates: 2000,
  maxTokens: 160,
  maxExampleChars: 1000,
  maxBufferLines: 20_000,
};

/** Outlier lines kept per template. */
const MAX_OUTLIERS = 3;
/** Distinct masked messages remembered for exact id lookups. */
const MAX_KNOWN = 50_000;

/**
 * A short, stable id for a template: the first 12 hex digits of the SHA-256 of its text, preceded
 * by its level when it has one (so ERROR and INFO templates of one shape have different ids).
 */
export function templateId(template: string, level?: LogLevel): string {
  const input = level === undefined ? template : `${level}\n${template}`;
  return createHash('sha256').update(input).digest('hex').slice(0, 12);
}

function shapeKey(level: LogLevel | undefined, length: number): string {
  return `${level ?? ''}\n${length}`;
}

function knownKey(level: LogLevel | undefined, tokens: readonly string[]): string {
  return `${level ?? ''}\n${tokens.join(' ')}`;
}

/** Whether the template accepts every token of the line as it is. */
function covers(template: readonly string[], tokens: readonly string[]): boolean {
  if (template.length !== tokens.length) return false;
  for (let i = 0; i < tokens.length; i += 1) {
    const expected = template[i] as string;
    const actual = tokens[i] as string;
    if (expected !== actual && expected !== WILDCARD && !(expected.includes(WILDCARD) && shapeAccepts(expected, actual))) return false;
  }
  return true;
}

function constantCount(tokens: readonly string[]): number {
  let count = 0;
  for (const token of tokens) if (token !== WILDCARD) count += 1;
  return count;
}

/** Batch template miner; see the module comment for the algorithm and its bounds. */
export class TemplateMiner {
  private readonly options: Required<MinerOptions>;
  private readonly clusters: Cluster[] = [];
  private readonly byId = new Map<string, Cluster>();
  private readonly byShape = new Map<string, ShapeEntry[]>();
  private readonly known = new Map<string, Assignment>();
  /** The last batch's lines and templates, indexed into `known` only when an id is asked or another batch comes. */
  private unindexed: { batch: Pending[]; assigned: Assignment[] } | undefined;
  private buffer: Pending[] = [];
  private bufferStart = 0;
  private overflowCluster: Cluster | undefined;
  private lineCount = 0;

  constructor(options: MinerOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Lines added so far. */
  get lines(): number {
    return this.lineCount;
  }

  /** Adds one raw line; its header is stripped (header.ts) and `meta` wins over what the header says. */
  add(line: string, meta?: LineMeta): void {
    const header = splitHeader(line);
    const { tokens, raw } = this.tokensOf(header.bodyStart === 0 ? line : line.slice(header.bodyStart));
    const level = (meta?.level === undefined ? undefined : normalizeLevel(meta.level)) ?? header.level;
    this.buffer.push({ line, bodyStart: header.bodyStart, timestamp: meta?.timestamp, level, tokens, raw });
    this.lineCount += 1;
    if (this.buffer.length >= this.options.maxBufferLines) this.flush();
  }

  /** The templates mined so far, in order of first appearance. */
  templates(): MinedTemplate[] {
    this.flush();
    const live = [...this.clusters];
    if (this.overflowCluster !== undefined) live.push(this.overflowCluster);
    return live.sort((a, b) => a.firstIndex - b.firstIndex).map((cluster) => this.snapshot(cluster));
  }

  /**
   * The id of the template a line belongs to, without changing the miner: the template it was
   * mined into, or for another line the most specific template that accepts it (same level first).
   * Undefined when no template accepts it; lines that went to the overflow template are not recognised.
   */
  templateIdOf(line: string): string | undefined {
    this.flush();
    this.indexKnown();
    const header = splitHeader(line);
    const { tokens } = this.tokensOf(line.slice(header.bodyStart));
    const exact = this.known.get(knownKey(header.level, tokens));
    if (exact !== undefined) return exact.cluster.id;
    const own = this.covering(this.byShape.get(shapeKey(header.level, tokens.length)), tokens);
    if (own !== undefined) return own.cluster.id;
    let best: ShapeEntry | undefined;
    for (const [key, entries] of this.byShape) {
      if (!key.endsWith(`\n${tokens.length}`)) continue;
      const found = this.covering(entries, tokens);
      if (found !== undefined && (best === undefined || found.constants > best.constants)) best = found;
    }
    return best?.cluster.id;
  }

  private covering(entries: readonly ShapeEntry[] | undefined, tokens: readonly string[]): ShapeEntry | undefined {
    let best: ShapeEntry | undefined;
    for (const entry of entries ?? []) {
      if (!covers(entry.tokens, tokens)) continue;
      if (best === undefined || entry.constants > best.constants || (entry.constants === best.constants && entry.cluster.count > best.cluster.count)) best = entry;
    }
    return best;
  }

  private addShape(level: LogLevel | undefined, entry: ShapeEntry): void {
    const key = shapeKey(level, entry.tokens.length);
    const entries = this.byShape.get(key);
    if (entries === undefined) this.byShape.set(key, [entry]);
    else entries.push(entry);
  }

  private tokensOf(body: string): { tokens: string[]; raw: string[] } {
    const raw: string[] = [];
    const tokens: string[] = [];
    for (const part of maskSpanning(body).split(BLANKS)) {
      if (part.length === 0) continue;
      raw.push(part);
      tokens.push(maskToken(part));
    }
    const max = this.options.maxTokens;
    if (tokens.length <= max) return { tokens, raw };
    const kept = tokens.slice(0, max - 1);
    kept.push(WILDCARD);
    const keptRaw = raw.slice(0, max - 1);
    keptRaw.push('');
    return { tokens: kept, raw: keptRaw };
  }

  /** Mines the buffered lines (see the module comment). */
  private flush(): void {
    const batch = this.buffer;
    if (batch.length === 0) return;
    const start = this.bufferStart;
    this.buffer = [];
    this.bufferStart += batch.length;

    const assigned = new Array<Assignment | undefined>(batch.length);
    const partitions = new Map<string, number[]>();
    this.indexKnown();
    const earlier = this.byShape.size > 0;
    batch.forEach((pending, i) => {
      const known = earlier ? (this.known.get(knownKey(pending.level, pending.tokens)) ?? this.covering(this.byShape.get(shapeKey(pending.level, pending.tokens.length)), pending.tokens)) : undefined;
      if (known !== undefined) {
        assigned[i] = { cluster: known.cluster, align: known.align };
        return;
      }
      const key = shapeKey(pending.level, pending.tokens.length);
      const partition = partitions.get(key);
      if (partition === undefined) partitions.set(key, [i]);
      else partition.push(i);
    });

    // templates are created in order of their first line, so the cap keeps the earliest ones
    const found: Array<{ tokens: string[]; level: LogLevel | undefined; members: number[] }> = [];
    for (const members of partitions.values()) {
      const grouping = groupRows(members.map((i) => (batch[i] as Pending).tokens));
      const level = (batch[members[0] as number] as Pending).level;
      const parts = grouping.templates.map((tokens) => ({ tokens, level, members: [] as number[] }));
      members.forEach((i, row) => parts[grouping.templateOf[row] as number]?.members.push(i));
      found.push(...parts);
    }
    const merged = mergeSpans(found);
    const kept = found.filter((part) => !merged.has(part));
    kept.sort((a, b) => (a.members[0] as number) - (b.members[0] as number));
    const clusterOf = new Map<FoundPart, Cluster>();
    for (const part of kept) {
      const cluster = this.clusterFor(part.tokens, part.level);
      clusterOf.set(part, cluster);
      for (const i of part.members) assigned[i] = { cluster, align: undefined };
    }
    for (const [part, into] of merged) {
      const cluster = clusterOf.get(into.part);
      if (cluster === undefined || cluster === this.overflowCluster) {
        for (const i of part.members) assigned[i] = { cluster: cluster ?? this.overflow(), align: undefined };
        continue;
      }
      this.addShape(part.level, { tokens: part.tokens, constants: constantCount(part.tokens), cluster, align: into.align });
      for (const i of part.members) assigned[i] = { cluster, align: into.align };
    }

    const members = new Map<Cluster, number[]>();
    const final: Assignment[] = batch.map((_, i) => {
      const assignment = assigned[i] ?? { cluster: this.overflow(), align: undefined };
      const list = members.get(assignment.cluster);
      if (list === undefined) members.set(assignment.cluster, [i]);
      else list.push(i);
      return assignment;
    });
    for (const [cluster, lines] of members) this.record(cluster, lines, batch, start);
    this.readNumbers(batch, final, members);
    this.unindexed = { batch, assigned: final };
  }

  /** Remembers the template of each distinct message of the last batch, for exact id lookups. */
  private indexKnown(): void {
    const last = this.unindexed;
    if (last === undefined) return;
    this.unindexed = undefined;
    last.batch.forEach((pending, i) => {
      const assignment = last.assigned[i] as Assignment;
      if (assignment.cluster === this.overflowCluster || this.known.size >= MAX_KNOWN) return;
      this.known.set(knownKey(pending.level, pending.tokens), assignment);
    });
  }

  /** The template with these tokens and level: an earlier one, a new one, or the overflow when the cap is reached. */
  private clusterFor(tokens: string[], level: LogLevel | undefined): Cluster {
    const id = templateId(tokens.join(' '), level);
    const existing = this.byId.get(id);
    if (existing !== undefined) return existing;
    if (this.clusters.length >= this.options.maxTemplates) return this.overflow();
    const cluster = newCluster(tokens, id, level);
    this.clusters.push(cluster);
    this.byId.set(id, cluster);
    this.addShape(level, { tokens, constants: cluster.constants, cluster, align: undefined });
    return cluster;
  }

  private overflow(): Cluster {
    this.overflowCluster ??= newCluster([], OVERFLOW_ID, undefined);
    return this.overflowCluster;
  }

  /** Counts a batch's lines (indexes into `batch`, in order) into their template: first, last and second example. */
  private record(cluster: Cluster, lines: readonly number[], batch: readonly Pending[], start: number): void {
    const firstLine = lines[0] as number;
    const lastLine = lines[lines.length - 1] as number;
    cluster.count += lines.length;
    if (cluster.first === undefined) {
      cluster.first = this.sighting(batch[firstLine] as Pending);
      cluster.firstIndex = start + firstLine;
    }
    const first = cluster.first;
    // the latest line of this batch whose message differs from the first one's (usually the last)
    for (let k = lines.length - 1; k >= 0; k -= 1) {
      const pending = batch[lines[k] as number] as Pending;
      if (start + (lines[k] as number) === cluster.firstIndex) break;
      const differs = pending.line.length > this.options.maxExampleChars ? !sameBody(first, this.sighting(pending)) : !samePendingBody(first, pending);
      if (differs) {
        cluster.lastDifferent = this.sighting(pending);
        break;
      }
    }
    cluster.last = this.sighting(batch[lastLine] as Pending);
    cluster.lastIndex = start + lastLine;
    if (cluster === this.overflowCluster) {
      for (const i of lines) {
        const level = (batch[i] as Pending).level;
        if (level !== undefined && levelRank(level) > levelRank(cluster.overflowLevel)) cluster.overflowLevel = level;
      }
    }
  }

  /** Updates each template's numeric ranges and outliers with the lines of one batch. */
  private readNumbers(batch: readonly Pending[], assigned: ReadonlyArray<Assignment | undefined>, members: ReadonlyMap<Cluster, readonly number[]>): void {
    for (const [cluster, lines] of members) {
      if (cluster === this.overflowCluster || !cluster.variables) continue;
      for (let position = 0; position < cluster.tokens.length; position += 1) {
        const token = cluster.tokens[position] as string;
        if (cluster.numbers.get(position) === null) continue;
        const cut = token.indexOf(WILDCARD);
        if (cut < 0 || token.indexOf(WILDCARD, cut + 1) >= 0) {
          if (cut >= 0) cluster.numbers.set(position, null);
          continue;
        }
        this.readPosition(cluster, position, lines, batch, assigned);
      }
    }
  }

  /** Reads the numbers of one template position from its lines in a batch (see readNumbers). */
  private readPosition(cluster: Cluster, position: number, lines: readonly number[], batch: readonly Pending[], assigned: ReadonlyArray<Assignment | undefined>): void {
    const token = cluster.tokens[position] as string;
    const cut = token.indexOf(WILDCARD);
    const suffix = token.length - cut - WILDCARD.length;
    const values: number[] = [];
    let slot: NumberSlot | undefined = cluster.numbers.get(position) ?? undefined;
    // a unit that is itself a variable (`<*> KB,` / `<*> B,`, group.ts) must be the same on every line
    const unitVaries = (cluster.tokens[position + 1] ?? '').includes(WILDCARD);
    let unit: string | undefined;
    for (const i of lines) {
      const pending = batch[i] as Pending;
      const at = linePosition(position, assigned[i]?.align);
      const raw = at === undefined ? '' : (pending.raw[at] ?? '');
      if (unitVaries && at !== undefined) {
        const next = pending.raw[at + 1] ?? '';
        if (UNIT.test(next)) {
          unit ??= next;
          if (next !== unit) {
            cluster.numbers.set(position, null);
            return;
          }
        }
      }
      const number = at !== undefined && pending.tokens[at] === token ? readNumber(cut === 0 && suffix === 0 ? raw : raw.slice(cut, raw.length - suffix)) : undefined;
      if (number === undefined || (slot !== undefined && number.unit !== slot.unit)) {
        cluster.numbers.set(position, null);
        return;
      }
      if (slot === undefined) slot = { min: number.value, max: number.value, minText: number.text, maxText: number.text, unit: number.unit };
      if (number.value < slot.min) {
        slot.min = number.value;
        slot.minText = number.text;
      }
      if (number.value > slot.max) {
        slot.max = number.value;
        slot.maxText = number.text;
      }
      values.push(number.value);
    }
    if (slot === undefined) return;
    cluster.numbers.set(position, slot);
    const found = findOutliers(values);
    if (found.size === 0) return;
    for (const [at, distance] of found) cluster.outliers.push({ sighting: this.sighting(batch[lines[at] as number] as Pending), distance });
    cluster.outliers.sort((a, b) => b.distance - a.distance);
    cluster.outliers.length = Math.min(cluster.outliers.length, MAX_OUTLIERS);
  }

  /** Keeps a line for an example, cut to `maxExampleChars` (copied, so a huge line is not retained). */
  private sighting(pending: Pending): Sighting {
    const max = this.options.maxExampleChars;
    const { line, bodyStart, timestamp } = pending;
    const kept = line.length > max ? Array.from(line.slice(0, max)).join('') : line;
    return { line: kept, bodyStart: Math.min(bodyStart, kept.length), timestamp };
  }

  private snapshot(cluster: Cluster): MinedTemplate {
    const isOverflow = cluster === this.overflowCluster;
    const first = cluster.first as Sighting;
    const last = cluster.last ?? first;
    const firstSeen = timestampOf(first);
    const lastSeen = timestampOf(last);
    const second = sameBody(first, last) ? cluster.lastDifferent : last;
    const level = isOverflow ? cluster.overflowLevel : cluster.level;
    const numbers: NumberRange[] = [];
    for (const [token, slot] of cluster.numbers) if (slot !== null) numbers.push({ token, ...slot });
    return {
      id: cluster.id,
      template: isOverflow ? OVERFLOW_TEXT : cluster.tokens.join(' '),
      count: cluster.count,
      ...(level === undefined ? {} : { level }),
      ...(firstSeen === undefined ? {} : { firstSeen }),
      ...(lastSeen === undefined ? {} : { lastSeen }),
      firstIndex: cluster.firstIndex,
      lastIndex: cluster.lastIndex,
      examples: second === undefined ? [example(first)] : [example(first), example(second)],
      overflow: isOverflow,
      numbers: numbers.sort((a, b) => a.token - b.token),
      outliers: cluster.outliers.map((outlier) => example(outlier.sighting)),
    };
  }
}

/** A template found in one batch, before it becomes (or joins) a cluster. */
interface FoundPart {
  readonly tokens: string[];
  readonly level: LogLevel | undefined;
  readonly members: number[];
}

/**
 * Parts of one level that differ from a larger part only in the length of a variable span
 * (spans.ts), each with the part it joins and where its tokens sit in that part's template.
 */
function mergeSpans(found: readonly FoundPart[]): Map<FoundPart, { part: FoundPart; align: LineAlignment }> {
  const merged = new Map<FoundPart, { part: FoundPart; align: LineAlignment }>();
  const buckets = new Map<string, FoundPart[]>();
  for (const part of found) {
    if (part.tokens.length < 2) continue;
    const key = `${part.level ?? ''}\n${part.tokens[0] ?? ''}`;
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, [part]);
    else bucket.push(part);
  }
  for (const bucket of buckets.values()) {
    if (bucket.length < 2) continue;
    bucket.sort((a, b) => b.members.length - a.members.length || (a.members[0] as number) - (b.members[0] as number));
    const keepers: FoundPart[] = [];
    for (const part of bucket) {
      let joined = false;
      for (const keeper of keepers) {
        const align = alignTo(keeper.tokens, part.tokens);
        if (align === undefined) continue;
        merged.set(part, { part: keeper, align });
        joined = true;
        break;
      }
      if (!joined) keepers.push(part);
    }
  }
  return merged;
}

/** Where the tokens of a line shaped `line` sit in `template`, when they differ only in a variable span. */
function alignTo(template: readonly string[], line: readonly string[]): LineAlignment | undefined {
  if (template.length === line.length) return undefined;
  if (template.length < line.length) {
    const span = spanAlignment(template, line);
    return span === undefined ? undefined : { start: span.start, end: span.end, offset: span.shift };
  }
  const span = spanAlignment(line, template);
  return span === undefined ? undefined : { start: span.start, end: span.end + span.shift, offset: -span.shift };
}

/** The position in a line that corresponds to a template position; undefined inside a span of another length. */
function linePosition(position: number, align: LineAlignment | undefined): number | undefined {
  if (align === undefined || position < align.start) return position;
  return position >= align.end ? position + align.offset : undefined;
}

function newCluster(tokens: string[], id: string, level: LogLevel | undefined): Cluster {
  return {
    tokens,
    id,
    level,
    constants: constantCount(tokens),
    variables: tokens.some((token) => token.includes(WILDCARD)),
    count: 0,
    firstIndex: 0,
    lastIndex: 0,
    first: undefined,
    last: undefined,
    lastDifferent: undefined,
    numbers: new Map(),
    outliers: [],
    overflowLevel: undefined,
  };
}

/** Whether a waiting line's message equals a kept line's (compared in place, without copies). */
function samePendingBody(a: Sighting, b: Pending): boolean {
  const length = a.line.length - a.bodyStart;
  if (length !== b.line.length - b.bodyStart) return false;
  return a.line.startsWith(b.line.slice(b.bodyStart), a.bodyStart);
}

function sameBody(a: Sighting, b: Sighting): boolean {
  if (a.line.length - a.bodyStart !== b.line.length - b.bodyStart) return false;
  return a.line.slice(a.bodyStart) === b.line.slice(b.bodyStart);
}

function timestampOf(sighting: Sighting): string | undefined {
  return sighting.timestamp ?? headerTimestamp(sighting.line, sighting.bodyStart);
}

function example(sighting: Sighting): TemplateExample {
  const timestamp = timestampOf(sighting);
  return { line: sighting.line, body: sighting.line.slice(sighting.bodyStart), ...(timestamp === undefined ? {} : { timestamp }) };
}

/** The template id of a line in a miner that has seen it (fingerprints of evidence lines). */
export function templateIdOf(miner: TemplateMiner, line: string): string | undefined {
  return miner.templateIdOf(line);
}
