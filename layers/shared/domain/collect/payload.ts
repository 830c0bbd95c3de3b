/**
 * The labeled payload the judge reads: every input cut to the monitor's window, then the
 * combined `[LABEL]` blocks cut again so the whole never exceeds the same bounds.
 */
import type { InputStats, WindowConfig, WindowMode } from '../model/entities.ts';
import type { CollectedInput } from './types.ts';
import { clip, keepNewest, renderNewest, type RenderedWindow, type WindowRenderer } from './window.ts';

/** Stands for an input that was read fine but had nothing in its window. */
export const NO_LINES = '(no lines)';

export interface PayloadBlock {
  label: string;
  /** The block's body: its window, `error: …` for a failed input, or {@link NO_LINES}. */
  text: string;
  error: string | null;
  /** The window's lines (what the rules count); empty for a failed or empty input. */
  lines: string[];
}

export interface Payload {
  /** `[LABEL]\n…\n\n[LABEL2]\n…`: at most `maxChars` characters and `maxLines` window lines. */
  text: string;
  blocks: PayloadBlock[];
  inputs: Record<string, InputStats>;
}

interface Block {
  input: CollectedInput;
  /** Null for a failed input. */
  window: RenderedWindow | null;
  body: string;
}

const SEPARATOR = '\n\n';
const CUT_TO_NOTHING: RenderedWindow = { text: '', lines: 0, chars: 0, truncated: true };

const header = (label: string): string => `[${label}]`;
const lineCount = (text: string): number => (text === '' ? 0 : text.split('\n').length);

function block(input: CollectedInput, window: RenderedWindow | null, maxChars: number): Block {
  if (window === null) return { input, window, body: clip(`error: ${input.error ?? ''}`, maxChars) };
  const empty = window.text === '' && !window.truncated;
  return { input, window, body: empty ? clip(NO_LINES, maxChars) : window.text };
}

/**
 * Renders an input within the bounds; whatever a renderer returns beyond them is cut keeping
 * the newest lines, so a renderer cannot break the payload's bounds.
 */
function renderWithin(render: WindowRenderer, input: CollectedInput, mode: WindowMode, maxLines: number, maxChars: number): RenderedWindow {
  if (maxLines <= 0 || maxChars <= 0) return CUT_TO_NOTHING;
  const window = render(input.lines, {
    mode,
    maxLines,
    maxChars,
    label: input.label,
    ...(input.mode !== undefined && { inputMode: input.mode }),
  });
  if (window.text.length <= maxChars && lineCount(window.text) <= maxLines) return { ...window, chars: window.text.length };
  return { ...keepNewest(window.text.split('\n'), maxLines, maxChars), truncated: true, omittedTemplates: window.omittedTemplates };
}

function assembledLength(blocks: readonly Block[]): number {
  const bodies = blocks.reduce((sum, b) => sum + header(b.input.label).length + (b.body === '' ? 0 : 1 + b.body.length), 0);
  return bodies + SEPARATOR.length * Math.max(0, blocks.length - 1);
}

const windowLines = (b: Block): number => (b.window === null ? 0 : lineCount(b.window.text));

/**
 * Max-min fair shares of `capacity`: small demands are met in full, the rest split what is
 * left evenly, so one noisy input cannot crowd out the others.
 */
export function fairShares(demands: readonly number[], capacity: number): number[] {
  const shares = demands.map(() => 0);
  const open = demands
    .map((demand, index) => ({ demand, index }))
    .filter((d) => d.demand > 0)
    .sort((a, b) => a.demand - b.demand);
  let left = Math.max(0, capacity);
  while (open.length > 0) {
    const fair = Math.floor(left / open.length);
    const smallest = open[0] as { demand: number; index: number };
    if (smallest.demand > fair) {
      for (const d of open) shares[d.index] = fair;
      break;
    }
    shares[smallest.index] = smallest.demand;
    left -= smallest.demand;
    open.shift();
  }
  return shares;
}

/** Cuts a block to its share: a window is rendered again within it, a message is clipped. */
function cutToShare(b: Block, render: WindowRenderer, mode: WindowMode, maxLines: number, maxChars: number): Block {
  if (b.window === null || (b.window.text === '' && !b.window.truncated)) return { ...b, body: clip(b.body, maxChars) };
  if (b.body.length <= maxChars && windowLines(b) <= maxLines) return b;
  return block(b.input, { ...renderWithin(render, b.input, mode, maxLines, maxChars), truncated: true }, maxChars);
}

/** Headers that cannot all fit (many long labels, tiny `maxChars`): keep whole headers in order. */
function headersOnly(blocks: readonly Block[], maxChars: number): Block[] {
  let used = 0;
  const kept: Block[] = [];
  for (const b of blocks) {
    const cost = header(b.input.label).length + (kept.length > 0 ? SEPARATOR.length : 0);
    if (used + cost > maxChars) break;
    used += cost;
    kept.push({ ...b, window: b.window && CUT_TO_NOTHING, body: '' });
  }
  return kept;
}

function statsOf(b: Block): InputStats {
  const window = b.window;
  const stats: InputStats = {
    lines: window?.lines ?? 0,
    chars: window?.chars ?? 0,
    truncated: window?.truncated ?? false,
    error: b.input.error,
  };
  if (window?.omittedTemplates !== undefined) stats.omittedTemplates = window.omittedTemplates;
  return stats;
}

/**
 * Builds the labeled payload. Each input is rendered within `windowConfig` on its own (`render`
 * defaults to keeping the newest lines; pass the template renderer for `templates` mode); if
 * the blocks together exceed the bounds, each gets a fair share of the characters and lines
 * left after the `[LABEL]` headers and is rendered again within it, so every label stays. A
 * failed input's block reads `error: <message>`. Only when the headers alone exceed `maxChars`
 * are trailing blocks left out.
 */
export function buildPayload(
  collected: readonly CollectedInput[],
  windowConfig: WindowConfig,
  render: WindowRenderer = renderNewest,
): Payload {
  const { mode, maxLines, maxChars } = windowConfig;
  let blocks = collected.map((input) =>
    block(input, input.error === null ? renderWithin(render, input, mode, maxLines, maxChars) : null, maxChars),
  );

  if (assembledLength(blocks) > maxChars || blocks.reduce((sum, b) => sum + windowLines(b), 0) > maxLines) {
    // Every header and its line break is paid for first; the bodies share what is left.
    const fixed = assembledLength(blocks.map((b) => ({ ...b, body: '' }))) + blocks.length;
    if (fixed > maxChars) {
      blocks = headersOnly(blocks, maxChars);
    } else {
      const chars = fairShares(blocks.map((b) => b.body.length), maxChars - fixed);
      const lines = fairShares(blocks.map(windowLines), maxLines);
      blocks = blocks.map((b, i) => cutToShare(b, render, mode, lines[i] ?? 0, chars[i] ?? 0));
    }
  }

  const inputs: Record<string, InputStats> = {};
  for (const input of collected) inputs[input.label] = { lines: 0, chars: 0, truncated: true, error: input.error };
  for (const b of blocks) inputs[b.input.label] = statsOf(b);
  return {
    text: blocks.map((b) => (b.body === '' ? header(b.input.label) : `${header(b.input.label)}\n${b.body}`)).join(SEPARATOR),
    blocks: blocks.map((b) => ({
      label: b.input.label,
      text: b.body,
      error: b.input.error,
      lines: b.window === null || b.window.text === '' ? [] : b.window.text.split('\n'),
    })),
    inputs,
  };
}
