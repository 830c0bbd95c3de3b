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
