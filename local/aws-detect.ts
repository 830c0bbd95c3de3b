import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

/**
 * Whether AWS credentials resolve through the SDK's standard chain (environment, profiles,
 * SSO, ...). Bounded in time, because the chain's last resort (instance metadata) can hang on
 * a laptop; `VIGIL_AWS=off` skips the probe, `on` insists on credentials.
 */
export async function awsCredentialsAvailable(mode: 'auto' | 'on' | 'off', timeoutMs = 3000): Promise<boolean> {
  if (mode === 'off') return false;
  const probe = fromNodeProviderChain()()
    .then(() => true)
    .catch(() => false);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(false), timeoutMs);
  });
  const available = await Promise.race([probe, timeout]).finally(() => clearTimeout(timer));
  if (mode === 'on' && !available) throw new Error('VIGIL_AWS=on but no AWS credentials resolve (try `aws sts get-caller-identity`)');
  return available;
}

/** Why local mode runs without AWS: the setting that turned it off, or the missing credentials. */
export function withoutAwsReason(mode: 'auto' | 'on' | 'off'): string {
  return mode === 'off' ? 'VIGIL_AWS=off' : 'no AWS credentials';
}

/** The variable the AWS SDK reads before printing its NodeVersionSupportWarning (@aws-sdk/core). */
export const SDK_NODE_WARNING_VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * On Node before 22 the SDK prints a multi-line NodeVersionSupportWarning at every start. Local
 * mode says it once in its own line instead, and turns the SDK's off through the variable the
 * SDK documents for it, unless the operator set that variable. Returns the line to print, if any.
 */
export function quietSdkNodeWarning(env: NodeJS.ProcessEnv, nodeVersion: string): string | null {
  const major = Number(/^v(\d+)\./.exec(nodeVersion)?.[1] ?? '0');
  if (major >= 22) return null;
  env[SDK_NODE_WARNING_VARIABLE] ??= 'true';
  return `Node ${nodeVersion}: works; Node 22 is recommended (AWS SDK releases after early 2027 need it, and Lambda runs 22)`;
}
