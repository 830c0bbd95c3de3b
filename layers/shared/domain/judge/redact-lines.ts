/**
 * Redaction of a window's lines before they are mined and rendered. The payload is redacted
 * again as a whole before it leaves for the model; doing it per line first means a secret is
 * never part of a template (nor of what a baseline keeps), and never cut in half by the width a
 * renderer clips a line to, where a detector could no longer recognise its shape.
 */
import { redactSecrets } from './redact.ts';

interface HasText {
  readonly text: string;
}

// A window is often rendered more than once (cut to its share of the payload): redact it once.
const cache = new WeakMap<readonly object[], readonly HasText[]>();

/** `lines` mapped with `toLine`, each line's text redacted; the same array in gives the same lines out. */
export function redactWindowLines<T extends object, L extends HasText>(lines: readonly T[], toLine: (line: T) => L): L[] {
  const cached = cache.get(lines);
  if (cached !== undefined) return cached as L[];
  const out = lines.map((line) => {
    const windowLine = toLine(line);
    const { text, count } = redactSecrets(windowLine.text);
    return count === 0 ? windowLine : { ...windowLine, text };
  });
  cache.set(lines, out);
  return out;
}
