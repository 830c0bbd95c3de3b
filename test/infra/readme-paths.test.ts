/**
 * The README's file map (How a run works) and its other pointers into the code must lead
 * somewhere: every repository path it names in a code span exists, so a move or a rename that
 * forgets the README fails here instead of sending a newcomer searching.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/vigil-function.ts';

/** Top-level folders of the repository, and those of layers/shared/, which the file map names without its prefix. */
const REPOSITORY_ROOTS = ['.ci', 'bench', 'bin', 'docs', 'examples', 'lambdas', 'layers', 'lib', 'local', 'test'];
const SHARED_ROOTS = ['adapters', 'composition', 'domain', 'http'];

/** Code spans outside fenced blocks that look like a path under one of the roots above. */
function repositoryPaths(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] as string);
  return [
    ...new Set(
      spans.filter((span) => /^[\w.@-]+(\/[\w.@-]+)*\/?$/.test(span) && span.includes('/') && [...REPOSITORY_ROOTS, ...SHARED_ROOTS].includes(span.split('/')[0] as string)),
    ),
  ];
}

function exists(named: string): boolean {
  const root = named.split('/')[0] as string;
  return existsSync(path.join(PROJECT_ROOT, REPOSITORY_ROOTS.includes(root) ? '' : 'layers/shared', named));
}

describe('the README', () => {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const named = repositoryPaths(readme);

  it('names the files of a run, from the runner handler to the judge', () => {
    for (const file of ['lambdas/runner/handler.ts', 'domain/runs/run-steps.ts', 'domain/collect/collect-inputs.ts', 'domain/judge/rules.ts', 'domain/judge/verdict.ts', 'adapters/bedrock/bedrock-judge.ts', 'domain/notify/notify-run.ts']) {
      expect(named).toContain(file);
    }
  });

  it('names only paths that exist', () => {
    expect(named.filter((file) => !exists(file))).toEqual([]);
  });

  it('is checked for a path that does not exist (the check can fail)', () => {
    const missing = repositoryPaths('see `domain/judge/no-such-file.ts` and `.vigil/outbox/`');

    expect(missing).toEqual(['domain/judge/no-such-file.ts']);
    expect(missing.filter((file) => !exists(file))).toEqual(missing);
  });
});
