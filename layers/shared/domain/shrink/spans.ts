/**
 * Templates that differ only in the length of a variable span are one message:
 * `tag="<*>",` vs `tag="View Lock",` (a delimited value with a space in it), and
 * `close, <*> bytes sent` vs `close, <*> KB (<*> bytes) sent` (a number written with more words).
 *
 * Two templates of different lengths are aligned on their longest common prefix P and suffix S;
 * what is left is a span X of the shorter and a span Y of the longer one. They are one message when
 * the shared part holds at least {@link MIN_SHARED_CONSTANTS} constant words and at least half the
 * shorter template, and either
 * - X is one token with a variable inside punctuation (`tag="<*>",`, `(<*>)`) that the words of Y,
 *   joined by spaces, fit; or
 * - X and Y, moved back to start at the same variable token (at most {@link MAX_BACKOFF} tokens),
 *   both start with a variable, and Y is X with tokens added in order, at least half of them
 *   variables (units and brackets around numbers, not new message words: `tty=:<*> … rhost=<*>`
 *   and `tty=NODEVssh … rhost=<*> user=root` stay apart).
 */
import { shapeAccepts } from './group.ts';
import { WILDCARD } from './masking.ts';

export const MIN_SHARED_CONSTANTS = 2;
const MAX_BACKOFF = 3;

/** How the tokens of the longer template map onto the shorter: equal before `start`, shifted by `shift` from `end` on. */
export interface SpanAlignment {
  /** First position of the span in both templates. */
  readonly start: number;
  /** End of the span in the shorter template (exclusive); its later tokens sit `shift` further in the longer one. */
  readonly end: number;
  readonly shift: number;
}

function isVariable(token: string): boolean {
  return token.includes(WILDCARD);
}

/** The alignment under which `longer` is `shorter` with a longer variable span, or undefined. */
export function spanAlignment(shorter: readonly string[], longer: readonly string[]): SpanAlignment | undefined {
  const a = shorter.length;
  const b = longer.length;
  if (a >= b || a === 0) return undefined;
  let prefix = 0;
  while (prefix < a && shorter[prefix] === longer[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < a - prefix && shorter[a - 1 - suffix] === longer[b - 1 - suffix]) suffix += 1;
  if (prefix + suffix === a) return undefined;
  let shared = 0;
  for (let i = 0; i < prefix; i += 1) if (!isVariable(shorter[i] as string)) shared += 1;
  for (let i = a - suffix; i < a; i += 1) if (!isVariable(shorter[i] as string)) shared += 1;
  if (shared < MIN_SHARED_CONSTANTS || (prefix + suffix) * 2 < a) return undefined;
  const shift = b - a;
  const end = a - suffix;

  const only = shorter[prefix] as string;
  if (end - prefix === 1 && isVariable(only) && only !== WILDCARD && shapeAccepts(only, longer.slice(prefix, end + shift).join(' '))) {
    return { start: prefix, end, shift };
  }

  let start = prefix;
  while (start > 0 && prefix - start < MAX_BACKOFF && !(isVariable(shorter[start] as string) && isVariable(longer[start] as string))) start -= 1;
  if (!isVariable(shorter[start] as string) || !isVariable(longer[start] as string)) return undefined;
  return widens(shorter.slice(start, end), longer.slice(start, end + shift)) ? { start, end, shift } : undefined;
}

/**
 * Whether `wide` is `narrow` with tokens added, in order (a variable matches a variable), and at
 * least half the added tokens are variables (`(<*>` `KB)` around a number): no new message words.
 */
function widens(narrow: readonly string[], wide: readonly string[]): boolean {
  let j = 0;
  let added = 0;
  let addedVariables = 0;
  for (const token of narrow) {
    while (j < wide.length && !(wide[j] === token || (isVariable(token) && isVariable(wide[j] as string)))) {
      added += 1;
      if (isVariable(wide[j] as string)) addedVariables += 1;
      j += 1;
    }
    if (j === wide.length) return false;
    j += 1;
  }
  for (; j < wide.length; j += 1) {
    added += 1;
    if (isVariable(wide[j] as string)) addedVariables += 1;
  }
  return addedVariables * 2 >= added;
}
