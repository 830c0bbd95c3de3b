import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '#domain/model/errors.ts';

/** `['inputs', 1, 'label']` → `inputs[1].label`, the path style of API.md. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text ? `${text}.${String(part)}` : String(part);
  }, '');
}

/** One sentence an operator can act on, for each kind of zod issue. */
function describe(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined && ['invalid_type', 'invalid_value', 'invalid_union'].includes(issue.code)) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string') return `must be at least ${issue.minimum} character(s)`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item(s)`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'discriminator' in issue && 'options' in issue && Array.isArray(issue.options)
        ? `must be one of ${issue.options.map((v) => JSON.stringify(v)).join(', ')}`
        : issue.message;
    case 'invalid_format':
      // Every format check in the schemas carries its own message ("must be an IAM role ARN").
      return issue.message;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** Every zod issue as field issues; an unknown key is named on its own path. */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: readonly PropertyKey[] = []): FieldIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: 'is not a known field' }));
    }
    return [{ path: formatPath(path) || 'body', message: describe(issue, valueAt(input, issue.path)) }];
  });
}

/**
 * Parses `input` with `schema`, or throws a ValidationError naming every wrong field.
 * `prefix` places a nested document (a log source's `config`) at its path in the request.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw ValidationError.fields(toFieldIssues(result.error.issues, input, prefix));
}
