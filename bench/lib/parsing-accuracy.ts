/**
 * Parsing accuracy (PA) as in Khan et al., "Guidelines for Assessing the Accuracy of Log Message
 * Template Identification Techniques" (ICSE 2022): the share of lines whose template equals the
 * ground-truth template. Both sides are normalised the same way first, by {@link normalizeTemplate}.
 */

const WILDCARD = '<*>';

/**
 * The normalisation applied to a mined and a ground-truth template alike:
 * 1. every run of whitespace becomes one space, and the ends are trimmed;
 * 2. a run of variables with nothing or only whitespace between them is one `<*>`
 *    (`<*> <*>`, `<*><*>` → `<*>`): how many tokens a variable spans is not part of a template.
 */
export function normalizeTemplate(template: string): string {
  const spaced = template.replace(/\s+/g, ' ').trim();
  let out = '';
  let i = 0;
  while (i < spaced.length) {
    if (spaced.startsWith(WILDCARD, i)) {
      out += WILDCARD;
      i += WILDCARD.length;
      // skip further variables, and the spaces between them
      for (;;) {
        let j = i;
        while (spaced.charAt(j) === ' ') j += 1;
        if (!spaced.startsWith(WILDCARD, j)) break;
        i = j + WILDCARD.length;
      }
      continue;
    }
    out += spaced.charAt(i);
    i += 1;
  }
  return out;
}

/** The share of lines whose normalised template equals the normalised truth; 1 for no lines. */
export function parsingAccuracy(truth: readonly string[], predicted: readonly (string | undefined)[]): number {
  if (truth.length !== predicted.length) throw new RangeError(`truth has ${truth.length} lines, predicted ${predicted.length}`);
  if (truth.length === 0) return 1;
  const cache = new Map<string, string>();
  const normal = (template: string): string => {
    let value = cache.get(template);
    if (value === undefined) {
      value = normalizeTemplate(template);
      cache.set(template, value);
    }
    return value;
  };
  let correct = 0;
  truth.forEach((template, line) => {
    const mined = predicted[line];
    if (mined !== undefined && normal(mined) === normal(template)) correct += 1;
  });
  return correct / truth.length;
}
