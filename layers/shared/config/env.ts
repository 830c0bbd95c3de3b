import * as z from '#domain/model/schema.ts';
import { DEFAULT_MODEL_ID } from '#domain/judge/prices.ts';

/**
 * Settings every function reads from its environment, validated once at cold start. A missing
 * or malformed variable fails the first invocation with a message that names it.
 */
const schema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  RUN_QUEUE_URL: z.optional(z.url()),
  RUN_RETENTION_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(3650)), 90),
  DEFAULT_MODEL_ID: z._default(z.string().check(z.minLength(1)), DEFAULT_MODEL_ID),
  /** Runner: a verified SES identity to send from; email is off without it. */
  SENDER_EMAIL: z.optional(z.string().check(z.minLength(3))),
  /** Runner: the alert topic every notification is also published to. */
  ALERT_TOPIC_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** Runner: the management API's URL, for run links in notifications. */
  API_BASE_URL: z._default(z.url(), 'http://127.0.0.1:3000'),
  /** Runner: per-model price overrides (USD per 1M tokens), see README. */
  MODEL_PRICES_JSON: z.optional(z.string().check(z.minLength(2))),
  /** API: the models monitors may name (comma-separated); unset allows any. */
  ALLOWED_MODEL_IDS: z.optional(
    z.pipe(
      z.string(),
      z.transform((list) => list.split(',').map((id) => id.trim()).filter((id) => id.length > 0)),
    ),
  ),
  MAX_INPUT_TOKENS: z._default(z.coerce.number().check(z.int(), z.minimum(1000), z.maximum(1_000_000)), 30_000),
  COLLECT_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(10)), 4),
  COST_COLLECTOR_HOURS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(24)), 6),
  /** Runner: estimated model spend allowed per UTC month (USD); unset: no cap. */
  MODEL_MONTHLY_BUDGET_USD: z.optional(z.coerce.number().check(z.positive(), z.maximum(1_000_000))),
  /** Runner: time kept back from the Lambda timeout to write the run's final status. */
  RUN_MARGIN_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(5), z.maximum(120)), 15),
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
