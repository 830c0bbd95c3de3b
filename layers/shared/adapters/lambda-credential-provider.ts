/**
 * What the Lambda bundles use in place of `@aws-sdk/credential-provider-node`, the SDK's default
 * credential chain (VigilFunction's esbuild options substitute this module for that package; local
 * mode, the CLI and the tests keep the full chain).
 *
 * In Lambda the execution role's credentials are always in the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), and the environment is the first link of the
 * default chain, so a function resolves exactly what it did before. The other links (SSO, shared
 * ini files, credential processes, web identity tokens, container and instance metadata) are never
 * reached in Lambda, yet bring about 95 KB of minified code to every bundle, an STS, SSO and
 * sign-in client among it. Cross-account reads assume their roles explicitly (adapters/sts).
 */
import { fromEnv } from '@aws-sdk/credential-providers';

type EnvInit = Parameters<typeof fromEnv>[0];
type Credentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

/** The default chain's signature: the clients call it with their configuration. */
export const defaultProvider = (init: EnvInit = {}) => fromEnv(init);

/** As in `@aws-sdk/credential-provider-node`: credentials with an expiry are refreshed. */
export const credentialsWillNeedRefresh = (credentials?: Credentials): boolean => credentials?.expiration !== undefined;

/** As in `@aws-sdk/credential-provider-node`: credentials expiring within five minutes count as expired. */
export const credentialsTreatedAsExpired = (credentials?: Credentials): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
