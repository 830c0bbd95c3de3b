import { z } from 'zod';
import { describeIssues, SHARED_VARIABLES } from '#composition/environment.ts';

/**
 * Local mode's settings, from the environment (README: Configuration). The runner's settings
 * (RUN_RETENTION_DAYS, DEFAULT_MODEL_ID, MODEL_PRICES_JSON, MAX_INPUT_TOKENS,
 * COLLECT_CONCURRENCY, COST_COLLECTOR_HOURS) are the functions' own, with the same defaults.
 */
const schema = z.object({
  ...SHARED_VARIABLES,
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  VIGIL_DATA_DIR: z.string().min(1).default('.vigil'),
  VIGIL_API_KEY: z.string().min(1).optional(),
  VIGIL_TICK_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** Point at a DynamoDB you run yourself instead of the embedded DynamoDB Local. */
  AWS_ENDPOINT_URL_DYNAMODB: z.string().url().optional(),
  VIGIL_TABLE_NAME: z.string().min(3).default('vigil'),
  /** `auto`: use AWS (Bedrock, SES, SNS, CloudWatch) when credentials resolve; `off`: never. */
  VIGIL_AWS: z.enum(['auto', 'on', 'off']).default('auto'),
  AWS_REGION: z.string().min(1).optional(),
  VIGIL_SENDER_EMAIL: z.string().min(3).optional(),
  VIGIL_ALERT_TOPIC_ARN: z.string().startsWith('arn:').optional(),
  /** How long one run may take before it is recorded as an `error` run. */
  VIGIL_RUN_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(900).default(120),
  /** A run still queued or running this long past the run timeout is closed as `error` (crash recovery). */
  VIGIL_RUN_MARGIN_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Directories `file` sources may read (path-delimiter separated); none: file sources are refused. */
  VIGIL_FILE_ROOTS: z.string().optional(),
  /** Further `Host` values the API answers to (comma separated), beyond 127.0.0.1, localhost and [::1]. */
  VIGIL_ALLOWED_HOSTS: z.string().optional(),
  /** Runs a label's baseline learns before it marks templates `NEW` or `MISSING` (5 in AWS). */
  VIGIL_BASELINE_LEARNING_RUNS: z.coerce.number().int().min(1).max(20).default(5),
  /** Estimated model spend allowed per UTC month (USD); unset: no cap. */
  VIGIL_MODEL_MONTHLY_BUDGET_USD: z.coerce.number().positive().max(1_000_000).optional(),
});

export type LocalConfig = z.output<typeof schema>;

export function loadLocalConfig(env: Record<string, string | undefined>): LocalConfig {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new Error(`invalid environment: ${describeIssues(result.error.issues, env)}`);
}
