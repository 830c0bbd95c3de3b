import { describe, expect, it } from 'vitest';
import { quietSdkNodeWarning, SDK_NODE_WARNING_VARIABLE, withoutAwsReason } from '../../../local/aws-detect.ts';

describe('why local mode runs without AWS', () => {
  it('names VIGIL_AWS=off when the setting is the reason, missing credentials otherwise', () => {
    expect(withoutAwsReason('off')).toBe('VIGIL_AWS=off');
    expect(withoutAwsReason('auto')).toBe('no AWS credentials');
  });
});

describe("the SDK's NodeVersionSupportWarning", () => {
  it('is turned off on Node 20 with one line of our own instead', () => {
    const env: NodeJS.ProcessEnv = {};

    expect(quietSdkNodeWarning(env, 'v20.19.0')).toMatch(/^Node v20\.19\.0: works; Node 22 is recommended/);
    expect(env[SDK_NODE_WARNING_VARIABLE]).toBe('true');
  });

  it('is left alone on Node 22, and when the operator set the variable', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(quietSdkNodeWarning(env, 'v22.11.0')).toBeNull();
    expect(env).toEqual({});

    const chosen: NodeJS.ProcessEnv = { [SDK_NODE_WARNING_VARIABLE]: 'false' };
    quietSdkNodeWarning(chosen, 'v20.19.0');
    expect(chosen[SDK_NODE_WARNING_VARIABLE]).toBe('false');
  });
});
