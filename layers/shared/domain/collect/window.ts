/**
 * Per-input windowing: how a collected line reads in the payload, and the default (`raw`)
 * renderer that keeps the newest lines within `maxLines` and `maxChars`.
 */
import type { InputKind, WindowMode } from '../model/entities.ts';
import type { MinedTemplate, TemplateAnnotations } from '../shrink/index.ts';
import type { CollectedLine } from './types.ts';

export interface RenderOptions {
  mode: WindowMode;
  maxLines: number;
  maxChars: number;
  /** The input's mode, when known: `cost` and `insights` inputs are tables, not free text. */
  inputMode?: InputKind;
  /** The input's label, for renderers that compare a label with its past (the baseline). */
  label?: string;
  /** Marks for the templates mined from the input (its baseline's `NEW`, usual ranges, `MISSING`). */
  annotate?: (templates: readonly MinedTemplate[]) => TemplateAnnotations;
}

/** A rendered window: `text` holds `lines` lines and `chars` characters. */
export interface RenderedWindow {
  text: string;
  lines: number;
  chars: number;
  truncated: boolean;
  /** Templates left out for lack of room (templates mode). */
  omittedTemplates?: number;
}

/** Renders an input's lines into at most `maxLines` lines and `maxChars` characters. */
export type WindowRenderer = (lines: readonly CollectedLine[], options: RenderOptions) => RenderedWindow;

/**
 * One payload line: `2026-11-21T10:02:11Z [origin] text`. Line breaks inside an event (stack
 * traces) are written as `\n` so one event stays one line: the windowing, the rules and the
 * `[LABEL]` parser all count lines.
 */
export function formatLine(line: CollectedLine): string {
  const text = line.text.replace(/\r?\n|\r/g, '\\n').trimEnd();
  const parts: string[] = [];
  if (line.timestamp) parts.push(line.timestamp.replace(/\.000Z$/, 'Z'));
  if (line.origin) parts.push(`[${line.origin}]`);
  if (text !== '') parts.push(text);
  return parts.join(' ');
}

/** Cuts `text` to `max` characters, marking the cut with `…`. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  return `${text.slice(0, max - 1)}…`;
}

/**
 * Keeps the newest (last) of `lines` within both bounds. When even the newest line alone is
 * longer than `maxChars`, it is kept cut rather than dropping the whole window.
 */
export function keepNewest(lines: readonly string[], maxLines: number, maxChars: number): RenderedWindow {
  const kept: string[] = [];
  let chars = 0;
  let clipped = false;
  for (let i = lines.length - 1; i >= 0 && kept.length < maxLines; i -= 1) {
    const line = lines[i] as string;
    const cost = line.length + (kept.length > 0 ? 1 : 0);
    if (chars + cost <= maxChars) {
      kept.push(line);
      chars += cost;
      continue;
    }
    if (kept.length === 0 && maxChars > 0) {
      kept.push(clip(line, maxChars));
      chars = Math.min(line.length, maxChars);
      clipped = true;
    }
    break;
  }
  const text = kept.reverse().join('\n');
  return { text, lines: kept.length, chars: text.length, truncated: clipped || kept.length < lines.length };
}

/** The `raw` renderer: the newest lines (blank ones dropped) within the bounds, oldest first. */
export function renderNewest(lines: readonly CollectedLine[], options: RenderOptions): RenderedWindow {
  const formatted = lines.map(formatLine).filter((line) => line !== '');
  return keepNewest(formatted, options.maxLines, options.maxChars);
}
