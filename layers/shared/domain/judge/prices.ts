/**
 * On-demand Bedrock prices per model, to put an estimated cost on every run. They are list
 * prices in USD per million tokens (us-east-1, standard tier); docs/judge.md cites the sources
 * and says how to override them (a JSON map, e.g. from `MODEL_PRICES_JSON`) when AWS changes a
 * price, when a region costs more, or for a model the table does not know.
 */
import * as z from '#domain/model/schema.ts';
import { ValidationError } from '#domain/model/errors.ts';

export interface ModelPrice {
  /** USD per 1,000,000 input tokens. */
  input: number;
  /** USD per 1,000,000 output tokens. */
  output: number;
  /**
   * Extra share charged when the model is called in-Region or through a geographic inference
   * profile (`us.`, `eu.`, ...) rather than a `global.` one: Claude 4.5 and later list a 10%
   * regional premium on Bedrock. @default 0
   */
  regionalPremium?: number;
}

/** Prices keyed by base model id without its date and version suffix (`anthropic.claude-haiku-4-5`). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

const CLAUDE_REGIONAL_PREMIUM = 0.1;

/**
 * The built-in table. A key matches a model id whose base id is the key, optionally followed by
 * a release date and a version (`-20251001-v1:0`, `-v1:0`): `anthropic.claude-opus-4` does not
 * price `anthropic.claude-opus-4-6`, which has its own row.
 */
export const DEFAULT_MODEL_PRICES: PriceTable = {
  'anthropic.claude-haiku-4-5': { input: 1, output: 5, regionalPremium: CLAUDE_REGIONAL_PREMIUM },
  'anthropic.claude-sonnet-4-5': { input: 3, output: 15, regionalPremium: CLAUDE_REGIONAL_PREMIUM },
  'anthropic.claude-sonnet-4-6': { input: 3, output: 15, regionalPremium: CLAUDE_REGIONAL_PREMIUM },
  'anthropic.claude-opus-4-5': { input: 5, output: 25, regionalPremium: CLAUDE_REGIONAL_PREMIUM },
  'anthropic.claude-opus-4-6': { input: 5, output: 25, regionalPremium: CLAUDE_REGIONAL_PREMIUM },
  'anthropic.claude-sonnet-4': { input: 3, output: 15 },
  'anthropic.claude-opus-4': { input: 15, output: 75 },
  'anthropic.claude-opus-4-1': { input: 15, output: 75 },
  'anthropic.claude-3-7-sonnet': { input: 3, output: 15 },
  'anthropic.claude-3-5-haiku': { input: 0.8, output: 4 },
  'anthropic.claude-3-haiku': { input: 0.25, output: 1.25 },
  'amazon.nova-micro': { input: 0.035, output: 0.14 },
  'amazon.nova-lite': { input: 0.06, output: 0.24 },
  'amazon.nova-pro': { input: 0.8, output: 3.2 },
  'meta.llama3-3-70b-instruct': { input: 0.72, output: 0.72 },
  'meta.llama3-1-70b-instruct': { input: 0.72, output: 0.72 },
  'meta.llama3-1-8b-instruct': { input: 0.22, output: 0.22 },
};

export interface ModelRef {
  /** The base id: no ARN, no inference-profile prefix (`anthropic.claude-haiku-4-5-20251001-v1:0`). */
  baseModelId: string;
  /** The inference-profile prefix (`us`, `eu`, `apac`, `global`, ...), null when called in-Region. */
  profilePrefix: string | null;
}

/**
 * Splits a model id, inference profile id or ARN into its base model id and profile prefix:
 * `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0`
 * → `{ baseModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', profilePrefix: 'us' }`.
 * A base id is `provider.model`; anything with a dotted segment in front of that is a profile.
 */
export function parseModelId(modelId: string): ModelRef {
  const resource = modelId.trim().toLowerCase().split('/').pop() ?? '';
  const profile = /^([a-z][a-z-]*)\.([a-z0-9-]+\.[^.]+.*)$/.exec(resource);
  return profile?.[1] !== undefined && profile[2] !== undefined
    ? { baseModelId: profile[2], profilePrefix: profile[1] }
    : { baseModelId: resource, profilePrefix: null };
}

const VERSION_SUFFIX = /^(?:-\d{8})?(?:-v\d+)?(?::[0-9a-z]+)*$/;

interface PriceMatch {
  price: ModelPrice;
  /** The key named the inference-profile prefix: its price is already the profile's. */
  forProfile: boolean;
}

/**
 * The row of `table` for `ref`: keys name a base id (any profile) or a profile id (that profile
 * only), and match the model's base id exactly or followed by a date/version suffix. A
 * profile-specific key beats a base key; among those, the longest (most specific) key wins.
 */
function findPrice(table: PriceTable, ref: ModelRef): PriceMatch | undefined {
  let best: (PriceMatch & { score: number }) | undefined;
  for (const [key, price] of Object.entries(table)) {
    const row = parseModelId(key);
    if (row.profilePrefix !== null && row.profilePrefix !== ref.profilePrefix) continue;
    if (!ref.baseModelId.startsWith(row.baseModelId)) continue;
    if (!VERSION_SUFFIX.test(ref.baseModelId.slice(row.baseModelId.length))) continue;
    const forProfile = row.profilePrefix !== null;
    const score = (forProfile ? 1_000_000 : 0) + row.baseModelId.length;
    if (best === undefined || score > best.score) best = { price, forProfile, score };
  }
  return best;
}

/**
 * The price per million tokens that applies to `modelId`: an override first (keyed by a base id
 * such as `anthropic.claude-haiku-4-5`, or by a profile id such as `eu.anthropic.claude-haiku-4-5`
 * to price one geography), then the built-in table. The regional premium is added unless the
 * call goes through a `global.` profile or the price was given for that very profile. Undefined
 * for a model neither table knows.
 */
export function resolveModelPrice(modelId: string, overrides: PriceTable = {}): ModelPrice | undefined {
  const ref = parseModelId(modelId);
  const match = findPrice(overrides, ref) ?? findPrice(DEFAULT_MODEL_PRICES, ref);
  if (match === undefined) return undefined;
  const premium = match.forProfile || ref.profilePrefix === 'global' ? 0 : (match.price.regionalPremium ?? 0);
  return { input: match.price.input * (1 + premium), output: match.price.output * (1 + premium) };
}

export interface CostEstimate {
  /** Estimated USD, rounded to 1e-6; 0 when the price is unknown. */
  usd: number;
  /** False when no price is known for the model: the run should say "price unknown". */
  priced: boolean;
}

/**
 * The estimated cost of a call: tokens times the model's on-demand price. Unknown models cost 0
 * with `priced: false` rather than a guess.
 */
export function estimateCostUsd(
  modelId: string,
  inputTokens: number,
  outputTokens: number,
  overrides: PriceTable = {},
): CostEstimate {
  const price = resolveModelPrice(modelId, overrides);
  if (price === undefined) return { usd: 0, priced: false };
  const usd = (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
  return { usd: Math.round(usd * 1e6) / 1e6, priced: true };
}

const PRICE_OVERRIDES = z.record(
  z.string().check(z.minLength(1)),
  z.strictObject({
    input: z.number().check(z.nonnegative()),
    output: z.number().check(z.nonnegative()),
    regionalPremium: z.optional(z.number().check(z.nonnegative(), z.maximum(10))),
  }),
);

/**
 * Parses a price override map such as
 * `{"anthropic.claude-haiku-4-5": {"input": 1.1, "output": 5.5}}` (USD per million tokens).
 * `source` names the setting in the error (e.g. `MODEL_PRICES_JSON`). Throws ValidationError
 * when the text is not such a map.
 */
export function parsePriceOverrides(text: string, source = 'model prices'): PriceTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${source} is not valid JSON`, [{ path: source, message: 'not valid JSON' }], { cause: error });
  }
  const parsed = PRICE_OVERRIDES.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: [source, ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    throw new ValidationError(`${source} must map model ids to {"input": USD per 1M tokens, "output": USD per 1M tokens}`, details);
  }
  return parsed.data;
}

/**
 * The model a monitor is judged by when neither it nor the deployment names one: Claude Haiku
 * 4.5 through the global cross-Region inference profile (the cheapest route to it).
 */
export const DEFAULT_MODEL_ID = 'global.anthropic.claude-haiku-4-5-20251001-v1:0';
