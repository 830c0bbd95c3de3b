/**
 * Telling whether two templates can be the same pattern. A template's text varies between
 * windows: a word constant in one window is `<*>` in the next, or a variable spans more words.
 * So two templates are compatible when their words line up, `<*>` on either side standing for
 * one or more words of the other (`disk <*> almost full` and `disk /dev/sda1 almost full`;
 * `closed <*>` and `closed 3 KB <*>`; `user <*> from 10.0.0.1` and `user alice from <*>`).
 *
 * Two limits keep unrelated templates apart: a `<*>` covers either a run of the other side's
 * fixed words or exactly one of its `<*>` (never a stretch holding both, or `<*> failures on
 * node <*>` would match almost anything), and at least half the fixed words of the template
 * with fewer of them must line up with equal words on the other side (so `<*>` alone matches
 * nothing but itself).
 */

const WILDCARD = '<*>';
/** A numeric range a renderer may have put in place of `<*>` (`<12–9500>`, `<7>`). */
const RANGE_TOKEN = /^<[0-9][0-9.,:eE+\-–]*>$/;

type Word = { kind: 'literal'; text: string } | { kind: 'wildcard' } | { kind: 'glob'; parts: string[] };

function words(template: string): Word[] {
  const out: Word[] = [];
  for (const token of template.split(' ')) {
    if (token === '') continue;
    if (token === WILDCARD || RANGE_TOKEN.test(token)) out.push({ kind: 'wildcard' });
    else if (token.includes(WILDCARD)) out.push({ kind: 'glob', parts: token.split(WILDCARD) });
    else out.push({ kind: 'literal', text: token });
  }
  return out;
}

/** Whether a word with `<*>` inside (`id=<*>`, `<*>ms`) can be the literal `word`. */
function globMatches(parts: readonly string[], word: string): boolean {
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!word.startsWith(first) || word.length < first.length + last.length || !word.endsWith(last)) return false;
  let at = first.length;
  const end = word.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = word.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** Two single words, neither a whole-word wildcard: 1 when equal, 0 when some word could be both, null when none. */
function wordScore(a: Word, b: Word): number | null {
  if (a.kind === 'literal' && b.kind === 'literal') return a.text === b.text ? 1 : null;
  if (a.kind === 'glob' && b.kind === 'literal') return globMatches(a.parts, b.text) ? 0 : null;
  if (a.kind === 'literal' && b.kind === 'glob') return globMatches(b.parts, a.text) ? 0 : null;
  if (a.kind === 'glob' && b.kind === 'glob') {
    const [a0, aN] = [a.parts[0] ?? '', a.parts[a.parts.length - 1] ?? ''];
    const [b0, bN] = [b.parts[0] ?? '', b.parts[b.parts.length - 1] ?? ''];
    return (a0.startsWith(b0) || b0.startsWith(a0)) && (aN.endsWith(bN) || bN.endsWith(aN)) ? 0 : null;
  }
  return null;
}

const NONE = -1;

/**
 * The most fixed words two templates can line up (see the module comment for what a `<*>` may
 * cover), or -1 when they cannot line up at all. Dynamic programming over word positions.
 */
function alignedWords(x: readonly Word[], y: readonly Word[]): number {
  const width = y.length + 1;
  const memo = new Int32Array((x.length + 1) * width).fill(-2);
  const best = (i: number, j: number): number => {
    const key = i * width + j;
    const known = memo[key] ?? -2;
    if (known !== -2) return known;
    let result = NONE;
    const p = x[i];
    const q = y[j];
    const take = (value: number, bonus = 0) => {
      if (value !== NONE && value + bonus > result) result = value + bonus;
    };
    if (p === undefined || q === undefined) {
      result = p === undefined && q === undefined ? 0 : NONE;
    } else if (p.kind === 'wildcard' && q.kind === 'wildcard') {
      take(best(i + 1, j + 1));
    } else if (p.kind === 'wildcard') {
      // p covers a run of y's fixed words, up to y's next `<*>`
      for (let k = j; k < y.length && y[k]?.kind !== 'wildcard'; k += 1) take(best(i + 1, k + 1));
    } else if (q.kind === 'wildcard') {
      for (let k = i; k < x.length && x[k]?.kind !== 'wildcard'; k += 1) take(best(k + 1, j + 1));
    } else {
      const score = wordScore(p, q);
      if (score !== null) take(best(i + 1, j + 1), score);
    }
    memo[key] = result;
    return result;
  };
  return best(0, 0);
}

const fixedWords = (list: readonly Word[]): number => list.filter((word) => word.kind === 'literal').length;

/** Whether two templates can be the same pattern (see the module comment). O(words² × words). */
export function templatesCompatible(a: string, b: string): boolean {
  if (a === b) return true;
  if (!a.includes('<') && !b.includes('<')) return false;
  const x = words(a);
  const y = words(b);
  const aligned = alignedWords(x, y);
  const fewer = Math.min(fixedWords(x), fixedWords(y));
  return aligned >= 1 && aligned * 2 >= fewer;
}

/**
 * A template's text as the baseline keeps it: whole words up to `maxChars`, and when cut, a
 * trailing `<*>` so the kept text still matches every continuation.
 */
export function keptTemplateText(template: string, maxChars: number): string {
  if (template.length <= maxChars) return template;
  const room = maxChars - ` ${WILDCARD}`.length;
  const cut = template.lastIndexOf(' ', room);
  return `${template.slice(0, cut > 0 ? cut : room)} ${WILDCARD}`;
}
