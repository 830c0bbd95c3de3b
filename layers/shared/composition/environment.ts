import { z } from 'zod';
import { DEFAULT_MODEL_ID } from '#domain/judge/prices.ts';
import { DEFAULTS, ENV, type EnvironmentVariable } from './contract.ts';

/**
 * Each variable's schema, once. A function's parser picks the variables it reads (below), so a
 * variable is required or defaulted the same way wherever it is read.
 */
const variables = z.object({
  [ENV.TABLE_NAME]: z.string().min(1),
  [ENV.RUN_QUEUE_URL]: z.string().url(),
  [ENV.ALERT_TOPIC_ARN]: z.string().startsWith('arn:').optional(),
  [ENV.SENDER_EMAIL]: z.string().min(3).optional(),
  [ENV.RUN_RETENTION_DAYS]: z.coerce.number().int().min(1).max(3650).default(DEFAULTS.runRetentionDays),
  [ENV.DEFAULT_MODEL_ID]: z.string().min(1).default(DEFAULT_MODEL_ID),
  [ENV.ALLOWED_MODEL_IDS]: z
    .string()
    .transform((list) => list.split(',').map((id) => id.trim()).filter((id) => id.length > 0))
    .optional(),
  [ENV.CONSOLE_ORIGIN]: z.string().url().optional(),
  [ENV.API_BASE_URL]: z.string().url().default(DEFAULTS.apiBaseUrl),
  [ENV.MODEL_PRICES_JSON]: z.string().min(2).optional(),
  [ENV.MODEL_MONTHLY_BUDGET_USD]: z.coerce.number().positive().max(1_000_000).optional(),
  [ENV.MAX_INPUT_TOKENS]: z.coerce.number().int().min(1000).max(1_000_000).default(DEFAULTS.maxInputTokens),
  [ENV.COLLECT_CONCURRENCY]: z.coerce.number().int().min(1).max(10).default(DEFAULTS.collectConcurrency),
  [ENV.COST_COLLECTOR_HOURS]: z.coerce.number().int().min(1).max(24).default(DEFAULTS.costCollectorHours),
  [ENV.RUN_MARGIN_SECONDS]: z.coerce.number().int().min(5).max(120).default(DEFAULTS.runMarginSeconds),
  [ENV.AWS_REGION]: z.string().min(1),
});

/** The variables local mode reads too, under the same names and with the same schema. */
const sharedVariables = variables.pick({
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
  api: variables.pick({
    TABLE_NAME: true,
    RUN_QUEUE_URL: true,
    AWS_REGION: true,
    RUN_RETENTION_DAYS: true,
    ALLOWED_MODEL_IDS: true,
    COST_COLLECTOR_HOURS: true,
    CONSOLE_ORIGIN: true,
  }),
  scheduler: variables.pick({ TABLE_NAME: true, RUN_QUEUE_URL: true, RUN_RETENTION_DAYS: true }),
  runner: variables.pick({
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
  'cost-collector': variables.pick({ TABLE_NAME: true, AWS_REGION: true }),
};

export type FunctionName = keyof typeof functionEnvironments;
export type FunctionEnvironment<F extends FunctionName> = z.output<(typeof functionEnvironments)[F]>;

export const FUNCTION_NAMES = Object.keys(functionEnvironments) as FunctionName[];

/** The variables `fn` reads, required or not. */
export function variablesReadBy(fn: FunctionName): EnvironmentVariable[] {
  return Object.keys(functionEnvironments[fn].shape) as EnvironmentVariable[];
}

export class ConfigError extends Error {
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
