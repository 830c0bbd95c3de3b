import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Generous: with two CPU burners beside the suite (load average near 30 on 2 cores) a CDK
    // synth took 28 s and a local-mode restart over 20 s; a test's duration is not what it asserts.
    testTimeout: 120_000,
    // DynamoDB Local may take up to 120 s to start on a loaded machine (startDynamoLocal's limit).
    hookTimeout: 150_000,
    pool: 'forks',
    // Two cores: more workers only contend with DynamoDB Local.
    maxWorkers: 2,
    // Tests run on Node 20 here and Node 22 in Lambda; the SDK's notice about Node 20 is known.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
