/**
 * Vigil's deployment settings: the `vigil` object in cdk.json's `context`, validated once when the
 * app is built. Every key is optional; a missing key takes the default documented on it.
 */
import { z } from 'zod';
import { DEFAULTS } from '#composition/contract.ts';
import { DEFAULT_MODEL_ID } from '#domain/judge/prices.ts';

/** The retention periods CloudWatch Logs accepts; any other number is rejected at deploy time. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/**
 * Claude Haiku 4.5 through the global cross-Region inference profile: the cheapest current Claude
 * on Bedrock with tool use (the judge's verdict is a tool call), callable from every commercial
 * Region, and about 10% cheaper per token than the geographic (`us.`/`eu.`) profiles. Global
 * routing may process the (redacted) payload in any commercial Region; deployments with data
 * residency rules set a geographic profile such as `eu.anthropic.claude-haiku-4-5-20251001-v1:0`.
 */
export { DEFAULT_MODEL_ID };

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'expected an E.164 phone number such as +15555550100');

/**
 * A Bedrock model id (`anthropic.claude-3-haiku-20240307-v1:0`) or system inference profile id
 * (`global.anthropic.claude-haiku-4-5-20251001-v1:0`): lower case, dotted, optional `:version`.
 * ARNs are refused because the IAM grant is derived from the id (ModelAccess).
 */
const bedrockModelId = z
  .string()
  .max(256)
  .regex(
    /^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::[a-z0-9]+)*$/,
    'expected a Bedrock model id or inference profile id such as global.anthropic.claude-haiku-4-5-20251001-v1:0 (not an ARN)',
  );

/**
 * The default of `assumableRoleArns`: roles named `VigilRead…` in any account. A role must both
 * carry that name and trust this account (its trust policy), so an API key holder cannot read
 * through just any role that happens to trust the account.
 */
export const VIGIL_READ_ROLES_ARN = 'arn:aws:iam::*:role/VigilRead*';

/** The default of `runnerTimeoutSeconds`; the visibility timeout default is six times it. */
export const DEFAULT_RUNNER_TIMEOUT_SECONDS = 150;

const subscriptions = z
  .strictObject({
    emails: z.array(z.email()).default([]),
    smsNumbers: z.array(e164).default([]),
    httpsEndpoints: z.array(z.url({ protocol: /^https$/ })).default([]),
  })
  .prefault({});

const objectSchema = z.strictObject({
  /** Prefix of the stack names (`<prefix>-Stateful`, `<prefix>-Stateless`). @default 'Vigil' */
  stackPrefix: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,39}$/, 'expected a letter, then up to 39 letters, digits or hyphens')
    .default('Vigil'),
  /** Account to deploy to. @default the account of the CLI's credentials (CDK_DEFAULT_ACCOUNT) */
  account: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id').optional(),
  /** Region to deploy to. @default the CLI's region (CDK_DEFAULT_REGION) */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected a region name such as eu-west-1').optional(),
  /** CloudFormation termination protection on the stateful stack. @default true */
  terminationProtection: z.boolean().default(true),
  /** DynamoDB deletion protection on the table. @default true */
  tableDeletionProtection: z.boolean().default(true),
  /** What CloudFormation does with the table when it leaves the stack. @default 'retain' */
  tableRemovalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  /** Retention of the functions' and the API's log groups, in days. @default 30 */
  logRetentionDays: z.literal(LOG_RETENTION_DAYS).default(30),
  /** Powertools log level of the functions. @default 'INFO' */
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /** Days a monitor run is kept before DynamoDB's TTL removes it. @default 90 */
  runRetentionDays: z.int().min(1).max(3650).default(DEFAULTS.runRetentionDays),
  /**
   * Bedrock model id or inference profile id for monitors that name none (not an ARN: the IAM
   * grant is derived from it). @default DEFAULT_MODEL_ID
   */
  defaultModelId: bedrockModelId.default(DEFAULT_MODEL_ID),
  /**
   * Visibility timeout of the run queue, in seconds. It must exceed the runner's timeout; AWS
   * advises six times it so a throttled batch is not redelivered while still running.
   * @default 900 (six times a 150-second runner)
   */
  runQueueVisibilityTimeoutSeconds: z.int().min(30).max(43_200).default(900),
  /**
   * The runner's Lambda timeout, in seconds: the longest one run may take (the runner keeps 15 s
   * of it to save the run's final status and starts a run only with 30 s left beyond that). Must
   * stay below `runQueueVisibilityTimeoutSeconds`. @default 150
   */
  runnerTimeoutSeconds: z.int().min(60).max(900).default(DEFAULT_RUNNER_TIMEOUT_SECONDS),
  /**
   * How many runner functions the run queue drives at once, which also caps the concurrent
   * Bedrock calls. 2 is the least an SQS event source accepts. @default 5
   */
  runnerMaxConcurrency: z.int().min(2).max(1000).default(5),
  /**
   * The most tokens (estimated) a run's payload may send the model; a longer payload is cut,
   * label by label, and the run says how many lines were cut. @default 30000
   */
  maxInputTokens: z.int().min(1000).max(1_000_000).default(DEFAULTS.maxInputTokens),
  /** How many inputs of one run are read at the same time. @default 4 */
  collectConcurrency: z.int().min(1).max(10).default(DEFAULTS.collectConcurrency),
  /**
   * Models and inference profiles the runner may invoke; IAM allows nothing else. `defaultModelId`
   * must be one of them, and so must every monitor's `model.model_id` (a monitor naming another
   * model fails its runs with AccessDenied). Ids only, not ARNs.
   * @default [defaultModelId]
   */
  allowedModelIds: z.array(bedrockModelId).min(1).max(20).optional(),
  /**
   * Per-model price overrides for the runs' cost estimates, USD per million tokens, keyed by a
   * base model id (`anthropic.claude-haiku-4-5`, every profile of it) or a profile id
   * (`eu.anthropic.claude-haiku-4-5`, that profile only). See docs/judge.md.
   * @default {} (the built-in price table)
   */
  modelPrices: z
    .record(
      z.string().min(1).max(256),
      z.strictObject({
        inputPerMillion: z.number().nonnegative(),
        outputPerMillion: z.number().nonnegative(),
        /** Extra share outside `global.` profiles, e.g. 0.1 for Claude 4.5's 10%. @default 0 */
        regionalPremium: z.number().nonnegative().max(10).optional(),
      }),
    )
    .default({}),
  /**
   * Estimated model spend allowed per calendar month (UTC), USD, summed over every run's
   * `estimated_cost_usd`. Once reached, runs are judged by the rules alone (`judge.fallback:
   * "budget_reached"`) until the month ends or the budget is raised. Null for no cap.
   * @default null
   */
  modelMonthlyBudgetUsd: z.number().positive().max(1_000_000).nullable().default(null),
  /**
   * The verified SES identity alerts are emailed from (an address; its domain's identity works
   * too). Null turns email off: runs record each email as failed with the reason.
   * @default null
   */
  senderEmail: z.email().nullable().default(null),
  /**
   * Log groups whose events the runner and the API may read (FilterLogEvents, StartQuery), as IAM
   * resource ARNs such as `arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/orders*`. Listing
   * log group names (DescribeLogGroups, for `log_group_name_prefix` sources) stays account-wide.
   * Null: every log group of the deployment's own account, in any Region
   * (`arn:<partition>:logs:*:<account>:log-group:*`); other accounts are read through their roles.
   * @default null
   */
  allowedLogGroupArns: z
    .array(z.string().regex(/^arn:[a-z-]+:logs:[^:]*:[^:]*:log-group:.+$/, 'expected a log group ARN pattern'))
    .min(1)
    .max(50)
    .nullable()
    .default(null),
  /**
   * Roles of other accounts that cross-account targets name in `role_arn`; the runner, the API and
   * the cost collector may assume them. A list of the actual roles is better than the default;
   * `[]` when every target is this account.
   * @default ['arn:aws:iam::*:role/VigilRead*'] (roles whose name starts with VigilRead)
   */
  assumableRoleArns: z
    .array(z.string().regex(/^arn:[a-z-]+:iam::(?:\d{12}|\*):role\/.+$/, 'expected an IAM role ARN pattern'))
    .max(50)
    .default([VIGIL_READ_ROLES_ARN]),
  /**
   * Hours between Cost Explorer snapshots (each costs 0.01 USD per cost source and request).
   * @default 6
   */
  costCollectorHours: z.int().min(1).max(24).default(DEFAULTS.costCollectorHours),
  /**
   * Lets the API pass operators' feedback on findings that quote a Cost Anomaly Detection anomaly
   * on to it (`ce:ProvideAnomalyFeedback`: YES for correct, NO for false_positive), which tunes AWS's
   * detection for the account. Off, the feedback is stored and the item says it was not sent.
   * @default false
   */
  anomalyFeedback: z.boolean().default(false),
  /**
   * Grants the cost collector cost-optimization-hub:ListRecommendations, for cost sources that set
   * `include_savings` (without it such sources get a note, not recommendations). @default false
   */
  costSavings: z.boolean().default(false),
  /** Steady-state requests per second and burst per API key. @default { rateLimit: 10, burstLimit: 20 } */
  apiThrottle: z
    .strictObject({
      rateLimit: z.number().positive().max(10_000).default(10),
      burstLimit: z.int().min(1).max(5_000).default(20),
    })
    .prefault({}),
  /** Requests per key per period; null for no quota. @default null */
  apiQuota: z
    .strictObject({
      limit: z.int().min(1),
      period: z.enum(['DAY', 'WEEK', 'MONTH']),
    })
    .nullable()
    .default(null),
  /** Put a WAF web ACL in front of the API (about 10 USD a month before requests). @default false */
  apiWaf: z.boolean().default(false),
  /**
   * Create API Gateway's account-wide CloudWatch Logs role, without which the stage cannot write
   * its access log. Turn off when the account already has one. @default true
   */
  apiCloudWatchRole: z.boolean().default(true),
  /** Who the alert topic delivers to (monitors' notices). @default no subscriptions */
  alertSubscriptions: subscriptions,
  /** Who the operations topic delivers to (Vigil's own alarms). @default no subscriptions */
  opsSubscriptions: subscriptions,
  /**
   * Estimated model spend per day (UTC), USD, above which the operations topic is alarmed.
   * @default 5
   */
  modelDailyCostAlarmUsd: z.number().positive().max(1_000_000).default(5),
});

/** The settings with their defaults, checked against each other. */
export const vigilConfigSchema = objectSchema.transform((config, ctx) => {
  const allowedModelIds = config.allowedModelIds ?? [config.defaultModelId];
  if (!allowedModelIds.includes(config.defaultModelId)) {
    ctx.issues.push({
      code: 'custom',
      path: ['allowedModelIds'],
      message: `must include defaultModelId (${config.defaultModelId})`,
      input: config.allowedModelIds,
    });
  }
  if (config.runnerTimeoutSeconds >= config.runQueueVisibilityTimeoutSeconds) {
    ctx.issues.push({
      code: 'custom',
      path: ['runnerTimeoutSeconds'],
      message: `must be below runQueueVisibilityTimeoutSeconds (${config.runQueueVisibilityTimeoutSeconds}), or a run still going reappears on the queue`,
      input: config.runnerTimeoutSeconds,
    });
  }
  return { ...config, allowedModelIds };
});

export type VigilConfig = z.infer<typeof vigilConfigSchema>;

/** The cdk.json context key that holds the settings. */
export const CONFIG_CONTEXT_KEY = 'vigil';

export class VigilConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Vigil config (cdk.json context "${CONFIG_CONTEXT_KEY}"):\n  ${problems.join('\n  ')}`);
    this.name = 'VigilConfigError';
  }
}

function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    CONFIG_CONTEXT_KEY,
  );
}

/**
 * Validates the `vigil` context value and fills in the defaults.
 *
 * @param raw the context value: an object from cdk.json, a JSON string from `-c vigil=...`, or
 *   undefined (all defaults)
 * @throws VigilConfigError naming every bad or unknown key, e.g. `vigil.apiThrottle.rateLimit`
 */
export function parseVigilConfig(raw: unknown): VigilConfig {
  let value: unknown = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new VigilConfigError([`${CONFIG_CONTEXT_KEY}: expected a JSON object, got ${JSON.stringify(value)}`]);
    }
  }
  const result = vigilConfigSchema.safeParse(value);
  if (result.success) return result.data;
  throw new VigilConfigError(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `${keyPath([...issue.path, key])}: unknown setting`)
        : [`${keyPath(issue.path)}: ${issue.message}`],
    ),
  );
}
