/**
 * What the Lambda bundles use in place of `@aws-sdk/token-providers` (VigilFunction's esbuild
 * options substitute this module for that package, as `lambda-credential-provider.ts` does for
 * the credential chain; local mode, the CLI and the tests keep the real package).
 *
 * Only the Bedrock runtime client reads bearer tokens: from `AWS_BEARER_TOKEN_BEDROCK` when that
 * variable is set, else from an SSO session on disk. Vigil's functions sign with their execution
 * role (SigV4) and set no bearer token, and a Lambda has no SSO session; the real package's SSO
 * path brings an SSO-OIDC client of about 20 KB to the runner's bundle for nothing. The
 * environment path is kept, with the variable name and the token the package would read.
 */

interface BearerToken {
  token: string;
}

/** As in `@aws-sdk/token-providers`: the token in `AWS_BEARER_TOKEN_<SIGNING NAME>`. */
export const fromEnvSigningName =
  ({ signingName }: { signingName?: string; logger?: unknown } = {}) =>
  async (): Promise<BearerToken> => {
    if (!signingName) throw new Error("Please pass 'signingName' to compute environment variable key");
    const key = `AWS_BEARER_TOKEN_${signingName.replace(/[\s-]/g, '_').toUpperCase()}`;
    const token = process.env[key];
    if (token === undefined) throw new Error(`Token not present in '${key}' environment variable`);
    return { token };
  };

/** The SSO token chain: a Lambda function has no SSO session, so there is never a token. */
export const nodeProvider = (_init: unknown = {}) => async (): Promise<BearerToken> => {
  throw new Error('Could not load a bearer token: Vigil functions sign with their execution role (no SSO session in Lambda)');
};
