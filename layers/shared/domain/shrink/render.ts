/**
 * Renders one label's window of log lines for the model, within `{ maxLines, maxChars }`.
 *
 * `templates` mode shows every mined template once, most important first, so the model sees all
 * patterns of the window instead of its last screenful. `raw` mode keeps the newest whole lines
 * that fit: the baseline the service used before.
 *
 * Templates mode lays the text out in passes, so that what is shown degrades gracefully:
 * 1. one line per template: `12x ERROR Failed to connect to <*> port <*>` (a template seen at
 *    most twice shows its real message instead). The width of a template is the largest that
 *    lets every template fit; when even the narrowest does not, the least important templates
 *    are left out and counted in `omittedTemplates`.
 * 2. with the room left, in order of importance: when first and last seen, then a real example
 *    line under templates that have variables, then the lines whose number is an outlier for its
 *    position (`    outlier: `), then the second example / second real line.
 * A numeric variable shows its range in the window: `request took <12–9500>ms`.
 */
import { levelRank } from './header.ts';
import { TemplateMiner } from './drain.ts';
import { templateWithRanges } from './numbers.ts';
import type { LineMeta, MinedTemplate, MinerOptions, TemplateExample } from './drain.ts';

/** `raw`: newest lines that fit; `templates`: every pattern, most important first. */
export type RenderMode = 'raw' | 'templates';

/** Bounds the rendered text never exceeds. */
export interface RenderBudget {
  readonly maxLines: number;
  readonly maxChars: number;
}

/** One input line of a window, e.g. a CloudWatch Logs event. */
export interface WindowLine {
  readonly text: string;
  readonly timestamp?: string;
  /** A level known from the source (e.g. a structured field); otherwise read from the header. */
  readonly level?: string;
}

export interface RenderWindowOptions extends RenderBudget {
  readonly mode: RenderMode;
  /** Settings of the miner. @default the miner's defaults */
  readonly miner?: MinerOptions;
  /** Marks from outside the window (the monitor's baseline), given the window's templates. */
  readonly annotate?: (templates: readonly MinedTemplate[]) => TemplateAnnotations;
}

/**
 * What a caller adds to the templates shown (the monitor's baseline: `NEW`, usual ranges,
 * `MISSING`). Marked templates count as notable when ordering.
 */
export interface TemplateAnnotations {
  /** A word shown after a template's count, e.g. `NEW`. */
  readonly tagOf?: (template: MinedTemplate) => string | undefined;
  /** Shown after a template and its times, e.g. ` [usual 3–15 a window]`. */
  readonly noteOf?: (template: MinedTemplate) => string | undefined;
  /** Appended to the summary line. */
  readonly summaryNote?: string;
  /** Lines shown after the templates (`MISSING: …`); room is kept for them before the templates. */
  readonly trailer?: readonly string[];
}

/** The rendered payload text and what it holds. */
export interface RenderedWindow {
  readonly text: string;
  /** Lines in `text` (0 when empty). */
  readonly lines: number;
  /** `text.length`, in UTF-16 code units. */
  readonly chars: number;
  /** Something was left out or cut: lines (raw), or templates or template texts (templates). */
  readonly truncated: boolean;
  /** Templates mined from the window. */
  readonly templateCount: number;
  /** Templates of which nothing is shown. */
  readonly omittedTemplates: number;
  /** Ids of the templates shown, most important first (raw: of the lines shown). */
  readonly templateIds: readonly string[];
}

/** Templates seen at most this often are shown as their real lines. */
export const RARE_COUNT = 2;
/** A template first seen in this last share of the window counts as new. */
const NEW_SHARE = 0.1;
/** Narrowest and widest a template or example is shown. */
const MIN_WIDTH = 32;
const MAX_WIDTH = 160;
const EXAMPLE_INDENT = '    e.g. ';
const OUTLIER_INDENT = '    outlier: ';
const ELLIPSIS = '…';

/** Mines a window's lines into a fresh miner (the caller may then ask it for line template ids). */
export function mineWindow(lines: readonly WindowLine[], options?: MinerOptions): TemplateMiner {
  const miner = new TemplateMiner(options);
  for (const line of lines) if (!isBlank(line)) miner.add(line.text, lineMeta(line));
  return miner;
}

/** Blank lines carry nothing: they are neither mined nor shown. */
function isBlank(line: WindowLine): boolean {
  return line.text.trim().length === 0;
}

function countLines(text: string): number {
  if (text === '') return 0;
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

function lineMeta(line: WindowLine): LineMeta | undefined {
  if (line.timestamp === undefined && line.level === undefined) return undefined;
  return {
    ...(line.timestamp === undefined ? {} : { timestamp: line.timestamp }),
    ...(line.level === undefined ? {} : { level: line.level }),
  };
}

/**
 * Renders a window of one label within the budget, in `raw` or `templates` mode.
 * Lines are expected oldest first. Line breaks inside a line are shown as `⏎`.
 */
export function renderWindow(lines: readonly WindowLine[], options: RenderWindowOptions): RenderedWindow {
  const miner = mineWindow(lines, options.miner);
  if (options.mode === 'raw') return renderRaw(lines, options, miner);
  const templates = miner.templates();
  return renderTemplates(templates, options, miner.lines, options.annotate?.(templates));
}

/**
 * The newest whole lines that fit the budget, oldest first. When not even the newest line fits,
 * its beginning is shown. With a miner that has seen the lines, the ids of their templates are
 * reported too.
 */
export function renderRaw(lines: readonly WindowLine[], budget: RenderBudget, miner?: TemplateMiner): RenderedWindow {
  const maxLines = Math.max(0, Math.floor(budget.maxLines));
  const maxChars = Math.max(0, Math.floor(budget.maxChars));
  const candidates = lines.filter((line) => !isBlank(line));
  const shown: string[] = [];
  let chars = -1;
  let clipped = false;
  for (let i = candidates.length - 1; i >= 0 && shown.length < maxLines; i -= 1) {
    const text = oneLine(candidates[i]?.text ?? '');
    if (chars + 1 + text.length > maxChars) {
      clipped = shown.length === 0 && maxChars > 0;
      if (clipped) shown.push(clip(text, maxChars));
      break;
    }
    shown.push(text);
    chars += 1 + text.length;
  }
  shown.reverse();
  const text = shown.join('\n');
  const ids = new Set<string>();
  for (const line of miner === undefined ? [] : candidates.slice(candidates.length - shown.length)) {
    const id = miner?.templateIdOf(line.text);
    if (id !== undefined) ids.add(id);
  }
  const templateCount = miner === undefined ? 0 : miner.templates().length;
  return {
    text,
    lines: countLines(text),
    chars: text.length,
    truncated: shown.length < candidates.length || clipped,
    templateCount,
    omittedTemplates: Math.max(0, templateCount - ids.size),
    templateIds: [...ids],
  };
}

/** Severity band: fatal/error 2, warn 1, the rest 0. */
function band(template: MinedTemplate): number {
  const rank = levelRank(template.level);
  return rank >= levelRank('error') ? 2 : rank === levelRank('warn') ? 1 : 0;
}

/**
 * Importance order: errors and fatals, then warnings; within a band, rare (seen at most twice) or
 * new (first seen in the newest tenth of the window) templates first, then by count, then newest.
 */
export function orderTemplates(
  templates: readonly MinedTemplate[],
  totalLines?: number,
  marked: (template: MinedTemplate) => boolean = () => false,
): MinedTemplate[] {
  const total = totalLines ?? templates.reduce((max, template) => Math.max(max, template.lastIndex + 1), 0);
  const newFrom = total - Math.max(1, Math.floor(total * NEW_SHARE));
  const notable = (template: MinedTemplate): number =>
    template.count <= RARE_COUNT || template.firstIndex >= newFrom || marked(template) ? 1 : 0;
  return [...templates].sort(
    (a, b) =>
      band(b) - band(a) ||
      notable(b) - notable(a) ||
      b.count - a.count ||
      b.firstIndex - a.firstIndex ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** One line per input line: a trailing line break goes, inner ones show as `⏎`, tabs as spaces. */
function oneLine(text: string): string {
  if (!/[\r\n\t]/.test(text)) return text;
  // trailing breaks trimmed by hand: /[\r\n]+$/ retries from every break of a long run (quadratic)
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end -= 1;
  return text.slice(0, end).replace(/\r?\n|\r/g, '⏎').replace(/\t/g, ' ');
}

/** Cuts text to `width` characters, marking the cut with `…` and never splitting a surrogate pair. */
function clip(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 0) return '';
  let end = width - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

/** `first..last`, dropping from `last` the date part it shares with `first`. */
function timeRange(first: string | undefined, last: string | undefined): string | undefined {
  if (first === undefined || last === undefined) return first ?? last;
  if (first === last) return first;
  let common = 0;
  while (common < first.length && first.charAt(common) === last.charAt(common)) common += 1;
  const cut = Math.max(last.lastIndexOf(' ', common - 1), last.lastIndexOf('T', common - 1)) + 1;
  return `${first}..${last.slice(cut)}`;
}

function levelTag(template: MinedTemplate): string {
  return band(template) > 0 && template.level !== undefined ? `${template.level.toUpperCase()} ` : '';
}

/** What is shown for one template: a head line and optional extras, each cut to the width. */
interface Entry {
  readonly template: MinedTemplate;
  readonly rare: boolean;
  time: string;
  extra: string[];
  outliers: string[];
  /** Annotations: a word after the count (with its space) and a note after the template. */
  readonly tag: string;
  readonly note: string;
}

const headTexts = new WeakMap<MinedTemplate, string>();

/** The text of a head line (worked out once per template: the width search asks for it often). */
function headText(template: MinedTemplate, rare: boolean): string {
  let text = headTexts.get(template);
  if (text === undefined) {
    const first = template.examples[0];
    text = oneLine(rare && first !== undefined ? first.body : templateWithRanges(template.template, template.numbers));
    headTexts.set(template, text);
  }
  return text;
}

function headLine(entry: Entry, width: number): string {
  const { template, rare } = entry;
  // a rare template whose second real line is shown too: each line stands for itself
  const count = rare && entry.extra.length > 0 ? 1 : template.count;
  return `${count}x ${entry.tag}${levelTag(template)}${clip(headText(template, rare), width)}${entry.time}${entry.note}`;
}

/** Extras in the order they are added: an example (templates with variables, overflow), then a second one. */
function extrasOf(template: MinedTemplate, rare: boolean, width: number): string[] {
  const [first, second] = template.examples;
  if (rare) {
    if (second === undefined) return [];
    const time = second.timestamp === undefined ? '' : ` @ ${second.timestamp}`;
    return [`1x ${levelTag(template)}${clip(oneLine(second.body), width)}${time}`];
  }
  if (!template.template.includes('<*>') && !template.overflow) return [];
  const outlier = new Set(template.outliers.map((line) => line.body));
  const examples = [first, second].filter((example, index): example is TemplateExample => example !== undefined && (index === 0 || !outlier.has(example.body)));
  return examples.map((example) => `${EXAMPLE_INDENT}${clip(oneLine(example.body), width)}`);
}

/** Outlier lines other than the first example (a second example that is an outlier is shown as one). */
function outliersOf(template: MinedTemplate, rare: boolean, width: number): string[] {
  if (rare) return [];
  const first = template.examples[0]?.body;
  return template.outliers.filter((outlier) => outlier.body !== first).map((outlier) => `${OUTLIER_INDENT}${clip(oneLine(outlier.body), width)}`);
}

function timeOf(template: MinedTemplate, rare: boolean): string {
  const range = rare ? template.examples[0]?.timestamp : timeRange(template.firstSeen, template.lastSeen);
  return range === undefined ? '' : ` @ ${range}`;
}

/** Tracks the room left while lines are added. */
class Room {
  chars: number;
  lines: number;

  constructor(budget: RenderBudget) {
    this.chars = Math.max(0, Math.floor(budget.maxChars));
    this.lines = Math.max(0, Math.floor(budget.maxLines));
  }

  /** Takes room for `chars` more characters and `lines` more lines, if there is enough. */
  take(chars: number, lines: number): boolean {
    if (chars > this.chars || lines > this.lines) return false;
    this.chars -= chars;
    this.lines -= lines;
    return true;
  }
}

/** Characters of the head lines of `entries` at `width`, each with its line break. */
function headCost(entries: readonly Entry[], width: number): number {
  let total = 0;
  for (const entry of entries) total += headLine(entry, width).length + 1;
  return total;
}

/** The largest width in [MIN_WIDTH, MAX_WIDTH] at which all head lines fit in `chars`. */
function widestFit(entries: readonly Entry[], chars: number): number | undefined {
  if (headCost(entries, MIN_WIDTH) > chars) return undefined;
  let low = MIN_WIDTH;
  let high = MAX_WIDTH;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (headCost(entries, mid) <= chars) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Renders mined templates within the budget (see the module comment for the layout).
 * `totalLines` is the window's line count, for the summary and for telling new templates.
 */
export function renderTemplates(
  templates: readonly MinedTemplate[],
  budget: RenderBudget,
  totalLines?: number,
  annotations: TemplateAnnotations = {},
): RenderedWindow {
  const tagOf = (template: MinedTemplate) => annotations.tagOf?.(template) ?? '';
  const noteOf = (template: MinedTemplate) => annotations.noteOf?.(template) ?? '';
  const ordered = orderTemplates(templates, totalLines, (template) => tagOf(template) !== '' || noteOf(template) !== '');
  const lineCount = totalLines ?? ordered.reduce((sum, template) => sum + template.count, 0);
  const room = new Room(budget);
  const summary = `# ${lineCount} lines, ${ordered.length} templates, most important first${annotations.summaryNote ?? ''}`;
  const showSummary = ordered.length > 0 && room.take(summary.length + 1, 1);
  const trailer = (annotations.trailer ?? []).filter((line) => room.take(line.length + 1, 1));
  const entries: Entry[] = ordered.map((template) => {
    const tag = tagOf(template);
    return { template, rare: template.count <= RARE_COUNT, time: '', extra: [], outliers: [], tag: tag === '' ? '' : `${tag} `, note: noteOf(template) };
  });

  // Pass 1: a head line per template, with its times if all fit so, as wide as lets all fit;
  // otherwise the most important ones that fit at the narrowest width.
  for (const entry of entries) entry.time = timeOf(entry.template, entry.rare);
  const fitsLines = entries.length <= room.lines;
  let width = fitsLines ? widestFit(entries, room.chars) : undefined;
  if (width === undefined) {
    for (const entry of entries) entry.time = '';
    width = fitsLines ? widestFit(entries, room.chars) : undefined;
  }
  let shown = entries;
  if (width === undefined) {
    width = MIN_WIDTH;
    const footerReserve = `… ${entries.length} more templates not shown`.length + 1;
    const headRoom = new Room({ maxChars: room.chars - footerReserve, maxLines: room.lines - 1 });
    const fitting = entries.findIndex((entry) => !headRoom.take(headLine(entry, MIN_WIDTH).length + 1, 1));
    shown = fitting < 0 ? entries : entries.slice(0, fitting);
  }
  room.take(headCost(shown, width), shown.length);

  // Pass 2: times (when they did not fit with everything), then the first extra of each, then the
  // outlier lines (the most extreme of each template first), then the second extra.
  for (const entry of shown) {
    const time = entry.time === '' ? timeOf(entry.template, entry.rare) : '';
    if (time !== '' && room.take(time.length, 0)) entry.time = time;
  }
  const extras = shown.map((entry) => extrasOf(entry.template, entry.rare, width));
  const outliers = shown.map((entry) => outliersOf(entry.template, entry.rare, width));
  const addExtras = (round: number): void => {
    shown.forEach((entry, index) => {
      const extra = extras[index]?.[round];
      if (extra !== undefined && entry.extra.length === round && room.take(extra.length + 1, 1)) entry.extra.push(extra);
    });
  };
  addExtras(0);
  const mostOutliers = outliers.reduce((most, list) => Math.max(most, list.length), 0);
  for (let round = 0; round < mostOutliers; round += 1) {
    shown.forEach((entry, index) => {
      const line = outliers[index]?.[round];
      if (line !== undefined && entry.outliers.length === round && room.take(line.length + 1, 1)) entry.outliers.push(line);
    });
  }
  addExtras(1);

  const omitted = ordered.length - shown.length;
  const out: string[] = showSummary ? [summary] : [];
  for (const entry of shown) out.push(headLine(entry, width), ...entry.extra, ...entry.outliers);
  const footer = `… ${omitted} more templates not shown`;
  if (omitted > 0 && room.take(footer.length + 1, 1)) out.push(footer);
  out.push(...trailer);
  const text = out.join('\n');
  const cut = shown.some((entry) => headLine(entry, width) !== headLine(entry, Number.MAX_SAFE_INTEGER));
  return {
    text,
    lines: countLines(text),
    chars: text.length,
    truncated: omitted > 0 || cut || trailer.length < (annotations.trailer?.length ?? 0),
    templateCount: ordered.length,
    omittedTemplates: omitted,
    templateIds: shown.map((entry) => entry.template.id),
  };
}
