import { z } from 'zod';

/**
 * Settings every function reads from its environment, validated once at cold start. A missing
 * or malformed variable fails the first invocation with a message that names it.
 */
const schema = z.object({
  TABLE_NAME: z.string().min(1),
  RUN_QUEUE_URL: z.string().url().optional(),
  RUN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  DEFAULT_MODEL_ID: z.string().min(1).default('us.anthropic.claude-haiku-4-5-20251001-v1:0'),
});

export type AppConfig = z.output<typeof schema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
}

/** A setting a given function cannot run without. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new ConfigError(`invalid environment: ${name} is required by this function`);
  return value;
}
