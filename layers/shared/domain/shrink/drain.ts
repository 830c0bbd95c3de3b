/**
 * Streaming log template miner in the spirit of Drain (He et al., ICWS 2017).
 *
 * A line's message is masked (masking.ts), then routed down a fixed-depth tree: first by its token
 * count, then by its leading tokens. In the leaf, it joins the most similar template when enough
 * positions agree, and the positions that disagree become `<*>`; otherwise it starts a template.
 *
 * Differences from the paper, all generic (no per-log settings):
 * - masking happens before the tree, so numbers, ids and paths never split the tree;
 * - a `<*>` position of the template counts as agreeing, but a position where the template and the
 *   line are both `<*>` is left out of the ratio: it says nothing about whether they are the same
 *   message;
 * - two constants that are the same `key=`/`key:` with different word values (`user=root` vs
 *   `user=guest`, `ret:true` vs `ret:false`) or `true` vs `false` never merge: a logged flag or
 *   mode tells messages apart;
 * - a template's constant words are settled after `settleAfter` lines: a later line that changes
 *   one is a different message (`Session … by client SPP` after hundreds `… by client WindowsUpdate`);
 * - when listed, templates whose texts became identical are merged, so ids are unique; and
 *   templates that differ only in a leading token used for routing are merged once there are
 *   several of them (the first tokens of a line can be variables too).
 *
 * Memory is bounded by templates, not lines: a template keeps its tokens, count, first/last seen,
 * the most severe level and at most two example lines (each cut to `maxExampleChars`). When
 * `maxTemplates` is reached, or a leaf holds `maxClustersPerLeaf` templates, a line that would
 * need a new template is counted in one overflow template instead (see {@link OVERFLOW_ID}).
 */
import { createHash } from 'node:crypto';
import { headerTimestamp, levelRank, normalizeLevel, splitHeader } from './header.ts';
import type { LogLevel } from './header.ts';
import { WILDCARD, maskedTokens } from './masking.ts';

/** Id of the template that counts lines which arrived after the template cap was reached. */
export const OVERFLOW_ID = 'overflow';
const OVERFLOW_TEXT = '(lines of further patterns, not mined: template limit reached)';

/** Settings of the miner; the defaults are the ones the benchmark measures. */
export interface MinerOptions {
  /** Tree depth as in Drain: the number of leading tokens used for routing is `depth - 2`. @default 4 */
  readonly depth?: number;
  /** Share of agreeing positions needed to join a template. @default 0.5 */
  readonly similarityThreshold?: number;
  /** Children per tree node before further tokens go down the `<*>` branch. @default 100 */
  readonly maxChildren?: number;
  /** Templates per leaf before new lines of that leaf overflow. @default 100 */
  readonly maxClustersPerLeaf?: number;
  /** Templates created in total (merged ones included) before new lines overflow. @default 2000 */
  readonly maxTemplates?: number;
  /** Tokens kept per template; the rest of a longer line is one trailing `<*>`. @default 160 */
  readonly maxTokens?: number;
  /** Characters kept of an example line. @default 1000 */
  readonly maxExampleChars?: number;
  /** Lines after which a template's constant words are settled. @default 8 */
  readonly settleAfter?: number;
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
  /** Stable id: a short hash of {@link MinedTemplate.template}, or {@link OVERFLOW_ID}. */
  readonly id: string;
  /** The masked message with `<*>` for variables, tokens separated by single spaces. */
  readonly template: string;
  readonly count: number;
  /** Most severe level seen on any of its lines. */
  readonly level?: LogLevel;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /** Position of the first and last line in the input (0-based). */
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** The first line and the latest line that differs from it. */
  readonly examples: readonly TemplateExample[];
  readonly overflow: boolean;
}

/** One line as remembered by a template; the timestamp and body are worked out when listed. */
interface Sighting {
  readonly line: string;
  readonly bodyStart: number;
  readonly timestamp: string | undefined;
}

interface Cluster {
  tokens: string[];
  count: number;
  firstIndex: number;
  lastIndex: number;
  first: Sighting;
  last: Sighting;
  /** The latest line whose message differs from the first one's: the second example. */
  lastDifferent: Sighting | undefined;
  level: LogLevel | undefined;
  id: string | undefined;
  /** Set when a later merge folded this template into another; lookups follow it. */
  mergedInto: Cluster | undefined;
  /** Routing positions at which templates of different leaves were merged into this one. */
  routeMerged: Set<number>;
}

interface TreeNode {
  readonly children: Map<string, TreeNode>;
  clusters: Cluster[] | undefined;
}

const DEFAULTS: Required<MinerOptions> = {
  depth: 4,
  similarityThreshold: 0.5,
  maxChildren: 100,
  maxClustersPerLeaf: 100,
  maxTemplates: 2000,
  maxTokens: 160,
  maxExampleChars: 1000,
  settleAfter: 8,
};

/** A short, stable id for a template text: the first 12 hex digits of its SHA-256. */
export function templateId(template: string): string {
  return createHash('sha256').update(template).digest('hex').slice(0, 12);
}

function newNode(): TreeNode {
  return { children: new Map(), clusters: undefined };
}

function resolve(cluster: Cluster): Cluster {
  let current = cluster;
  while (current.mergedInto !== undefined) current = current.mergedInto;
  return current;
}

/**
 * A leading (routing) token is taken for a variable once this many templates differ only there
 * (`alice logged in from <*>`, `bob logged in from <*>`, …), provided they share at least
 * ROUTE_MERGE_CONSTANTS other constant tokens; fewer values are kept apart (`VM Started`, `VM Paused`).
 */
const ROUTE_MERGE_VALUES = 4;
const ROUTE_MERGE_CONSTANTS = 3;

const BOOLEAN_WORDS = new Set(['true', 'false']);
const WORD_VALUE = /^[A-Za-z_]+[,;)\]}.]*$/;

/** Two different constants that name different messages, not different values of a variable. */
function isDistinctConstant(a: string, b: string): boolean {
  if (BOOLEAN_WORDS.has(a) && BOOLEAN_WORDS.has(b)) return true;
  const cut = a.search(/[=:]/);
  if (cut <= 0 || cut !== b.search(/[=:]/) || a.slice(0, cut) !== b.slice(0, cut)) return false;
  return WORD_VALUE.test(a.slice(cut + 1)) && WORD_VALUE.test(b.slice(cut + 1));
}

const WORD = /^[A-Za-z][A-Za-z_\-.]*$/;

/**
 * Share of informative positions on which the template accepts the line; -1 when a position
 * holds two constants that must not merge, or, once the template is `settled`, two words.
 */
function similarity(template: readonly string[], tokens: readonly string[], settled: boolean): number {
  let agree = 0;
  let considered = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    const expected = template[i];
    const actual = tokens[i];
    if (expected === actual) {
      if (expected !== WILDCARD) {
        agree += 1;
        considered += 1;
      }
      continue;
    }
    considered += 1;
    if (expected === WILDCARD) agree += 1;
    else if (actual !== undefined && expected !== undefined && actual !== WILDCARD) {
      if (isDistinctConstant(expected, actual)) return -1;
      if (settled && WORD.test(expected) && WORD.test(actual)) return -1;
    }
  }
  return considered === 0 ? 1 : agree / considered;
}

/** Whether the template accepts every token of the line as it is (no position would change). */
function covers(template: readonly string[], tokens: readonly string[]): boolean {
  for (let i = 0; i < tokens.length; i += 1) {
    if (template[i] !== WILDCARD && template[i] !== tokens[i]) return false;
  }
  return true;
}

function constantCount(tokens: readonly string[]): number {
  let count = 0;
  for (const token of tokens) if (token !== WILDCARD) count += 1;
  return count;
}

/** Streaming template miner; see the module comment for the algorithm and its bounds. */
export class TemplateMiner {
  private readonly options: Required<MinerOptions>;
  private readonly root = newNode();
  private readonly clusters: Cluster[] = [];
  private overflowCluster: Cluster | undefined;
  private lineCount = 0;
  private mergedUpTo = -1;

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
    const tokens = this.tokensOf(header.bodyStart === 0 ? line : line.slice(header.bodyStart));
    const index = this.lineCount;
    this.lineCount += 1;
    const level = (meta?.level === undefined ? undefined : normalizeLevel(meta.level)) ?? header.level;
    const sighting = this.sighting(line, header.bodyStart, meta?.timestamp);
    let cluster = this.bestMatch(this.leafFor(tokens, false), tokens);
    if (cluster !== undefined) {
      this.generalize(cluster, tokens);
    } else if (this.clusters.length >= this.options.maxTemplates) {
      cluster = this.overflow(index, sighting);
    } else {
      // tree nodes are only made for a new template, so the tree too is bounded by templates
      const leaf = this.leafFor(tokens, true);
      if (leaf.length >= this.options.maxClustersPerLeaf) {
        cluster = this.overflow(index, sighting);
      } else {
        cluster = newCluster(tokens, index, sighting);
        leaf.push(cluster);
        this.clusters.push(cluster);
      }
    }
    record(cluster, index, level, sighting);
  }

  /** The templates mined so far, in order of first appearance. */
  templates(): MinedTemplate[] {
    this.mergeTemplates();
    const live = this.clusters.filter((cluster) => cluster.mergedInto === undefined);
    if (this.overflowCluster !== undefined) live.push(this.overflowCluster);
    return live.sort((a, b) => a.firstIndex - b.firstIndex).map((cluster) => this.snapshot(cluster));
  }

  /**
   * The id of the template a line belongs to, without changing the miner: the template it was
   * mined into, or for a new line the one it would join. Undefined when no template accepts it;
   * lines that went to the overflow template are not recognised.
   */
  templateIdOf(line: string): string | undefined {
    this.mergeTemplates();
    const tokens = this.tokensOf(line.slice(splitHeader(line).bodyStart));
    const leaf = this.leafFor(tokens, false);
    let best: Cluster | undefined;
    for (const entry of leaf) {
      const candidate = resolve(entry);
      if (!covers(candidate.tokens, tokens)) continue;
      if (best === undefined || constantCount(candidate.tokens) > constantCount(best.tokens)) best = candidate;
    }
    const found = best ?? this.bestMatch(leaf, tokens) ?? this.routeMergedCovering(tokens);
    return found === undefined ? undefined : this.idOf(found);
  }

  /** A template merged over its leading tokens that accepts a line routed down a new branch. */
  private routeMergedCovering(tokens: readonly string[]): Cluster | undefined {
    return this.clusters.find(
      (cluster) => cluster.mergedInto === undefined && cluster.routeMerged.size > 0 && cluster.tokens.length === tokens.length && covers(cluster.tokens, tokens),
    );
  }

  private tokensOf(body: string): string[] {
    const tokens = maskedTokens(body);
    const max = this.options.maxTokens;
    if (tokens.length <= max) return tokens;
    const kept = tokens.slice(0, max - 1);
    kept.push(WILDCARD);
    return kept;
  }

  /** The leaf for a token sequence; without `create`, missing branches give an empty leaf. */
  private leafFor(tokens: readonly string[], create: boolean): Cluster[] {
    let node = this.child(this.root, String(tokens.length), create);
    const prefix = Math.min(this.options.depth - 2, tokens.length);
    for (let i = 0; i < prefix && node !== undefined; i += 1) {
      const token = tokens[i] ?? WILDCARD;
      const key = node.children.has(token) ? token : node.children.size >= this.options.maxChildren ? WILDCARD : token;
      node = this.child(node, key, create);
    }
    if (node === undefined) return [];
    if (node.clusters === undefined) {
      if (!create) return [];
      node.clusters = [];
    }
    return node.clusters;
  }

  private child(node: TreeNode, key: string, create: boolean): TreeNode | undefined {
    let next = node.children.get(key);
    if (next === undefined && create) {
      next = newNode();
      node.children.set(key, next);
    }
    return next;
  }

  /** The most similar template at or above the threshold; ties go to the one with more constants. */
  private bestMatch(leaf: readonly Cluster[], tokens: readonly string[]): Cluster | undefined {
    let best: Cluster | undefined;
    let bestScore = -1;
    for (const entry of leaf) {
      const candidate = resolve(entry);
      const score = similarity(candidate.tokens, tokens, candidate.count >= this.options.settleAfter);
      if (score < this.options.similarityThreshold) continue;
      if (score > bestScore || (score === bestScore && best !== undefined && constantCount(candidate.tokens) > constantCount(best.tokens))) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  private generalize(cluster: Cluster, tokens: readonly string[]): void {
    const template = cluster.tokens;
    for (let i = 0; i < template.length; i += 1) {
      if (template[i] !== WILDCARD && template[i] !== tokens[i]) {
        template[i] = WILDCARD;
        cluster.id = undefined;
      }
    }
  }

  /** Keeps a line for an example, cut to `maxExampleChars` (copied, so a huge line is not retained). */
  private sighting(line: string, bodyStart: number, timestamp: string | undefined): Sighting {
    const max = this.options.maxExampleChars;
    const kept = line.length > max ? Array.from(line.slice(0, max)).join('') : line;
    return { line: kept, bodyStart: Math.min(bodyStart, kept.length), timestamp };
  }

  private overflow(index: number, sighting: Sighting): Cluster {
    if (this.overflowCluster === undefined) {
      this.overflowCluster = newCluster([], index, sighting);
      this.overflowCluster.id = OVERFLOW_ID;
    }
    return this.overflowCluster;
  }

  /**
   * Folds templates whose texts became identical (lines of one message that were routed down
   * different branches before a position was known to vary) into the oldest, so ids are unique,
   * and templates that differ only in one routing token (see ROUTE_MERGE_VALUES).
   * Runs only when lines were added since the last time.
   */
  private mergeTemplates(): void {
    if (this.mergedUpTo === this.lineCount) return;
    this.mergedUpTo = this.lineCount;
    const text = (cluster: Cluster): string => cluster.tokens.join(' ');
    this.mergeBy(text);
    for (let position = 0; position < this.options.depth - 2; position += 1) {
      this.mergeBy(
        (cluster) => {
          if (cluster.tokens[position] === WILDCARD || constantCount(cluster.tokens) - 1 < ROUTE_MERGE_CONSTANTS) return undefined;
          return cluster.tokens.map((token, i) => (i === position ? WILDCARD : token)).join(' ');
        },
        position,
      );
    }
    this.mergeBy(text);
  }

  /**
   * Folds each group of live templates with the same key into its oldest. With a routing
   * `position`, only groups that hold ROUTE_MERGE_VALUES values there, or that hold a template
   * already merged there, are folded.
   */
  private mergeBy(keyOf: (cluster: Cluster) => string | undefined, position?: number): void {
    const groups = new Map<string, Cluster[]>();
    for (const cluster of this.clusters) {
      if (cluster.mergedInto !== undefined) continue;
      const key = keyOf(cluster);
      if (key === undefined) continue;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [cluster]);
      else group.push(cluster);
    }
    for (const group of groups.values()) {
      const [keep, ...others] = group;
      if (keep === undefined || others.length === 0) continue;
      if (position !== undefined) {
        const merged = group.some((cluster) => cluster.routeMerged.has(position));
        if (!merged && new Set(group.map((cluster) => cluster.tokens[position])).size < ROUTE_MERGE_VALUES) continue;
        keep.routeMerged.add(position);
      }
      for (const other of others) {
        for (let i = 0; i < keep.tokens.length; i += 1) if (keep.tokens[i] !== other.tokens[i]) keep.tokens[i] = WILDCARD;
        keep.id = undefined;
        absorb(keep, other);
      }
    }
  }

  private idOf(cluster: Cluster): string {
    cluster.id ??= templateId(cluster.tokens.join(' '));
    return cluster.id;
  }

  private snapshot(cluster: Cluster): MinedTemplate {
    const isOverflow = cluster === this.overflowCluster;
    const firstSeen = timestampOf(cluster.first);
    const lastSeen = timestampOf(cluster.last);
    const second = sameBody(cluster.first, cluster.last) ? cluster.lastDifferent : cluster.last;
    return {
      id: this.idOf(cluster),
      template: isOverflow ? OVERFLOW_TEXT : cluster.tokens.join(' '),
      count: cluster.count,
      ...(cluster.level === undefined ? {} : { level: cluster.level }),
      ...(firstSeen === undefined ? {} : { firstSeen }),
      ...(lastSeen === undefined ? {} : { lastSeen }),
      firstIndex: cluster.firstIndex,
      lastIndex: cluster.lastIndex,
      examples: second === undefined ? [example(cluster.first)] : [example(cluster.first), example(second)],
      overflow: isOverflow,
    };
  }
}

function newCluster(tokens: string[], index: number, sighting: Sighting): Cluster {
  return {
    tokens,
    count: 0,
    firstIndex: index,
    lastIndex: index,
    first: sighting,
    last: sighting,
    lastDifferent: undefined,
    level: undefined,
    id: undefined,
    mergedInto: undefined,
    routeMerged: new Set(),
  };
}

function sameBody(a: Sighting, b: Sighting): boolean {
  if (a.line.length - a.bodyStart !== b.line.length - b.bodyStart) return false;
  return a.line.slice(a.bodyStart) === b.line.slice(b.bodyStart);
}

function record(cluster: Cluster, index: number, level: LogLevel | undefined, sighting: Sighting): void {
  cluster.count += 1;
  cluster.lastIndex = index;
  cluster.last = sighting;
  if (index !== cluster.firstIndex && !sameBody(cluster.first, sighting)) cluster.lastDifferent = sighting;
  if (level !== undefined && (cluster.level === undefined || levelRank(level) > levelRank(cluster.level))) cluster.level = level;
}

function timestampOf(sighting: Sighting): string | undefined {
  return sighting.timestamp ?? headerTimestamp(sighting.line, sighting.bodyStart);
}

function example(sighting: Sighting): TemplateExample {
  const timestamp = timestampOf(sighting);
  return { line: sighting.line, body: sighting.line.slice(sighting.bodyStart), ...(timestamp === undefined ? {} : { timestamp }) };
}

/** Folds `other` into `keep`: counts add up, the earlier first and the later last sighting win. */
function absorb(keep: Cluster, other: Cluster): void {
  keep.count += other.count;
  if (other.firstIndex < keep.firstIndex) {
    keep.firstIndex = other.firstIndex;
    keep.first = other.first;
  }
  if (other.lastIndex > keep.lastIndex) {
    keep.lastIndex = other.lastIndex;
    keep.last = other.last;
  }
  const candidates = [other.last, other.lastDifferent, keep.lastDifferent, other.first];
  keep.lastDifferent = candidates.find((candidate) => candidate !== undefined && !sameBody(keep.first, candidate));
  if (other.level !== undefined && (keep.level === undefined || levelRank(other.level) > levelRank(keep.level))) keep.level = other.level;
  other.mergedInto = keep;
}

/** The template id of a line in a miner that has seen it (fingerprints of evidence lines). */
export function templateIdOf(miner: TemplateMiner, line: string): string | undefined {
  return miner.templateIdOf(line);
}
