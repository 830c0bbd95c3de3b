import { z } from 'zod';
import { DEFAULT_MODEL_ID } from '#domain/judge/prices.ts';

/**
 * Settings every function reads from its environment, validated once at cold start. A missing
 * or malformed variable fails the first invocation with a message that names it.
 */
const schema = z.object({
  TABLE_NAME: z.string().min(1),
  RUN_QUEUE_URL: z.string().url().optional(),
  RUN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  DEFAULT_MODEL_ID: z.string().min(1).default(DEFAULT_MODEL_ID),
  /** Runner: a verified SES identity to send from; email is off without it. */
  SENDER_EMAIL: z.string().min(3).optional(),
  /** Runner: the alert topic every notification is also published to. */
  ALERT_TOPIC_ARN: z.string().startsWith('arn:').optional(),
  /** Runner: the management API's URL, for run links in notifications. */
  API_BASE_URL: z.string().url().default('http://127.0.0.1:3000'),
  /** Runner: per-model price overrides (USD per 1M tokens), see README. */
  MODEL_PRICES_JSON: z.string().min(2).optional(),
  /** API: the models monitors may name (comma-separated); unset allows any. */
  ALLOWED_MODEL_IDS: z
    .string()
    .transform((list) => list.split(',').map((id) => id.trim()).filter((id) => id.length > 0))
    .optional(),
  /** API: the web console's origin (`https://<distribution>.cloudfront.net`), the one origin CORS allows. */
  CONSOLE_ORIGIN: z.string().url().optional(),
  MAX_INPUT_TOKENS: z.coerce.number().int().min(1000).max(1_000_000).default(30_000),
  COLLECT_CONCURRENCY: z.coerce.number().int().min(1).max(10).default(4),
  COST_COLLECTOR_HOURS: z.coerce.number().int().min(1).max(24).default(6),
  /** Runner: estimated model spend allowed per UTC month (USD); unset: no cap. */
  MODEL_MONTHLY_BUDGET_USD: z.coerce.number().positive().max(1_000_000).optional(),
  /** Runner: time kept back from the Lambda timeout to write the run's final status. */
  RUN_MARGIN_SECONDS: z.coerce.number().int().min(5).max(120).default(15),
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
