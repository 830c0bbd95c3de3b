import { RE2JS } from 're2js';

/** A compiled operator pattern: `test` answers whether a line contains a match. */
export interface LinePattern {
  test(line: string): boolean;
}

/**
 * Operator-written patterns (rule patterns, `tail` matches) run on RE2, whose matching time is
 * linear in the line: a pattern such as `^(a+)+$` cannot stall a run, as it would with the
 * backtracking RegExp (and no timer can interrupt a RegExp stuck in synchronous code). The syntax
 * is RE2's: JavaScript's without lookaround and backreferences.
 */
export function compileLinePattern(pattern: string): LinePattern {
  const compiled = RE2JS.compile(pattern);
  return { test: (line) => compiled.test(line) };
}

/** Why a pattern does not compile, in a sentence for the API's error details; null when it does. */
export function linePatternProblem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return `must be a valid regular expression in RE2 syntax (no lookaround or backreferences): ${detail}`;
  }
}
