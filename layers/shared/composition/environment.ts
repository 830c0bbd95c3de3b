import * as z from '#domain/model/schema.ts';
import { DEFAULT_MODEL_ID } from '#domain/judge/prices.ts';
import { DEFAULTS, ENV, type EnvironmentVariable } from './contract.ts';

/** A whole number from `min` to `max`, written as text in the environment. */
const integer = (min: number, max: number) => z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));

/**
 * Each variable's schema, once (zod/mini: the scheduler's and runner's bundles stay small). A function's parser picks the variables it reads (below), so a
 * variable is required or defaulted the same way wherever it is read.
 */
const variables = z.object({
  [ENV.TABLE_NAME]: z.string().check(z.minLength(1)),
  [ENV.RUN_QUEUE_URL]: z.url(),
  [ENV.ALERT_TOPIC_ARN]: z.optional(z.string().check(z.startsWith('arn:'))),
  [ENV.SENDER_EMAIL]: z.optional(z.string().check(z.minLength(3))),
  [ENV.RUN_RETENTION_DAYS]: z._default(integer(1, 3650), DEFAULTS.runRetentionDays),
  [ENV.DEFAULT_MODEL_ID]: z._default(z.string().check(z.minLength(1)), DEFAULT_MODEL_ID),
  [ENV.ALLOWED_MODEL_IDS]: z.optional(
    z.pipe(
      z.string(),
      z.transform((list) => list.split(',').map((id) => id.trim()).filter((id) => id.length > 0)),
    ),
  ),
  [ENV.CONSOLE_ORIGIN]: z.optional(z.url()),
  [ENV.API_BASE_URL]: z._default(z.url(), DEFAULTS.apiBaseUrl),
  [ENV.MODEL_PRICES_JSON]: z.optional(z.string().check(z.minLength(2))),
  [ENV.MODEL_MONTHLY_BUDGET_USD]: z.optional(z.coerce.number().check(z.positive(), z.maximum(1_000_000))),
  [ENV.MAX_INPUT_TOKENS]: z._default(integer(1000, 1_000_000), DEFAULTS.maxInputTokens),
  [ENV.COLLECT_CONCURRENCY]: z._default(integer(1, 10), DEFAULTS.collectConcurrency),
  [ENV.COST_COLLECTOR_HOURS]: z._default(integer(1, 24), DEFAULTS.costCollectorHours),
  [ENV.COST_SAVINGS]: z._default(z.enum(['on', 'off']), 'off'),
  [ENV.RUN_MARGIN_SECONDS]: z._default(integer(5, 120), DEFAULTS.runMarginSeconds),
  [ENV.ANOMALY_FEEDBACK]: z._default(z.enum(['on', 'off']), 'off'),
  [ENV.AWS_REGION]: z.string().check(z.minLength(1)),
});

/** The variables local mode reads too, under the same names and with the same schema. */
const sharedVariables = z.pick(variables, {
  RUN_RETENTION_DAYS: true,
  DEFAULT_MODEL_ID: true,
  MODEL_PRICES_JSON: true,
  MAX_INPUT_TOKENS: true,
  COLLECT_CONCURRENCY: true,
  COST_COLLECTOR_HOURS: true,
});
export const SHARED_VARIABLES = sharedVariables.shape;

/** The settings the runner reads alike in Lambda and in local mode. */
export type SharedSettings = z.output<typeof sharedVariables>;

/**
 * What each function reads, by its folder under `lambdas/`. The infrastructure test checks these
 * against the variables each synthesized function is given, both ways.
 */
const functionEnvironments = {
  api: z.pick(variables, {
    TABLE_NAME: true,
    RUN_QUEUE_URL: true,
    AWS_REGION: true,
    RUN_RETENTION_DAYS: true,
    ALLOWED_MODEL_IDS: true,
    COST_COLLECTOR_HOURS: true,
    DEFAULT_MODEL_ID: true,
    MAX_INPUT_TOKENS: true,
    COLLECT_CONCURRENCY: true,
    ANOMALY_FEEDBACK: true,
    CONSOLE_ORIGIN: true,
  }),
  scheduler: z.pick(variables, { TABLE_NAME: true, RUN_QUEUE_URL: true, RUN_RETENTION_DAYS: true }),
  runner: z.pick(variables, {
    TABLE_NAME: true,
    AWS_REGION: true,
    ALERT_TOPIC_ARN: true,
    SENDER_EMAIL: true,
    RUN_RETENTION_DAYS: true,
    DEFAULT_MODEL_ID: true,
    API_BASE_URL: true,
    MODEL_PRICES_JSON: true,
    MODEL_MONTHLY_BUDGET_USD: true,
    MAX_INPUT_TOKENS: true,
    COLLECT_CONCURRENCY: true,
    COST_COLLECTOR_HOURS: true,
    RUN_MARGIN_SECONDS: true,
  }),
  'cost-collector': z.pick(variables, { TABLE_NAME: true, AWS_REGION: true, COST_SAVINGS: true }),
};

export type FunctionName = keyof typeof functionEnvironments;
export type FunctionEnvironment<F extends FunctionName> = z.output<(typeof functionEnvironments)[F]>;

export const FUNCTION_NAMES = Object.keys(functionEnvironments) as FunctionName[];

/** The variables `fn` reads, required or not. */
export function variablesReadBy(fn: FunctionName): EnvironmentVariable[] {
  return Object.keys(functionEnvironments[fn].shape) as EnvironmentVariable[];
}

export class ConfigError extends Error {
  /** Explicit, so a minified bundle (no keepNames) still reports the class. */
  override readonly name: string = 'ConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** `<VARIABLE>: <reason>` for each problem, the variable named first. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], env: Record<string, string | undefined>): string {
  return issues
    .map((issue) => {
      const name = issue.path.join('.');
      return env[name] === undefined ? `${name}: required, but not set` : `${name}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * The settings of function `fn` from its environment, validated once at cold start: a missing or
 * malformed variable throws a ConfigError that names it. Variables other functions read are ignored.
 */
export function readEnvironment<F extends FunctionName>(fn: F, env: Record<string, string | undefined>): FunctionEnvironment<F> {
  const result = functionEnvironments[fn].safeParse(env);
  if (result.success) return result.data as FunctionEnvironment<F>;
  throw new ConfigError(`invalid environment of the ${fn} function: ${describeIssues(result.error.issues, env)}`);
}
