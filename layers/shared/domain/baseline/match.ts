/**
 * Telling whether two templates can be the same pattern. A template's text varies between
 * windows: a word constant in one window is `<*>` in the next, or a variable spans more words.
 * So two templates are compatible when some real message fits both, `<*>` standing for one or
 * more words on either side (`disk <*> almost full` and `disk /dev/sda1 almost full`;
 * `closed <*>` and `closed 3 KB <*>`).
 */

const WILDCARD = '<*>';
/** A numeric range a renderer may have put in place of `<*>` (`<12–9500>`, `<7>`). */
const RANGE_TOKEN = /^<[0-9][0-9.,:eE+\-–]*>$/;

type Element = { kind: 'literal'; text: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'glob'; parts: string[] };

/** A template as pattern elements: `<*>` becomes "one word, then any number more". */
function elements(template: string): Element[] {
  const out: Element[] = [];
  for (const token of template.split(' ')) {
    if (token === '') continue;
    if (token === WILDCARD || RANGE_TOKEN.test(token)) out.push({ kind: 'any' }, { kind: 'star' });
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

/** Two single words, neither a whole-word wildcard, that some word could be. */
function wordsCompatible(a: Element, b: Element): boolean {
  if (a.kind === 'any' || b.kind === 'any') return true;
  if (a.kind === 'literal' && b.kind === 'literal') return a.text === b.text;
  if (a.kind === 'glob' && b.kind === 'literal') return globMatches(a.parts, b.text);
  if (a.kind === 'literal' && b.kind === 'glob') return globMatches(b.parts, a.text);
  if (a.kind === 'glob' && b.kind === 'glob') {
    // Both partly variable: compatible when their fixed starts and ends do not contradict.
    const [a0, aN] = [a.parts[0] ?? '', a.parts[a.parts.length - 1] ?? ''];
    const [b0, bN] = [b.parts[0] ?? '', b.parts[b.parts.length - 1] ?? ''];
    return (a0.startsWith(b0) || b0.startsWith(a0)) && (aN.endsWith(bN) || bN.endsWith(aN));
  }
  return false;
}

/**
 * Whether some message fits both templates (`<*>` = one or more words, on either side).
 * Dynamic programming over the two element lists: O(words × words).
 */
export function templatesCompatible(a: string, b: string): boolean {
  if (a === b) return true;
  if (!a.includes('<') && !b.includes('<')) return false;
  const x = elements(a);
  const y = elements(b);
  const width = y.length + 1;
  // memo: 0 unknown, 1 yes, 2 no
  const memo = new Uint8Array((x.length + 1) * width);
  const fits = (i: number, j: number): boolean => {
    const key = i * width + j;
    const known = memo[key];
    if (known !== 0 && known !== undefined) return known === 1;
    let result: boolean;
    const p = x[i];
    const q = y[j];
    if (p === undefined && q === undefined) result = true;
    else if (p?.kind === 'star') result = fits(i + 1, j) || (q !== undefined && fits(i, j + 1));
    else if (q?.kind === 'star') result = fits(i, j + 1) || (p !== undefined && fits(i + 1, j));
    else if (p === undefined || q === undefined) result = false;
    else result = wordsCompatible(p, q) && fits(i + 1, j + 1);
    memo[key] = result ? 1 : 2;
    return result;
  };
  return fits(0, 0);
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
