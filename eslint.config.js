import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Imports that make the Lambda bundles heavy (npm run bench:bundles): `import { z } from 'zod'` is
 * one object holding all of classic zod (~450 kB minified), where `import * as z` lets esbuild keep
 * what is used; zod/mini goes through layers/shared/domain/model/schema.ts, which loads its messages.
 */
const BUNDLE_WEIGHT_IMPORTS = [
  { name: 'zod/mini', message: "Import zod/mini through '#domain/model/schema.ts', which gives it its English messages." },
];
const NAMED_ZOD_IMPORT = {
  selector: "ImportDeclaration[source.value='zod'][importKind='value'] > ImportSpecifier[imported.name='z']",
  message: "Use `import * as z from 'zod'`: the named `z` pulls all of zod into the bundle.",
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.vigil/', 'coverage/', 'console/dist/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Local mode and benchmarks are command-line programs: printing is their job.
    files: ['local/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests read parsed JSON responses whose shape is exactly what their assertions check.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Code bundled into the functions.
    files: ['layers/**', 'lambdas/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: BUNDLE_WEIGHT_IMPORTS }],
      'no-restricted-syntax': ['error', NAMED_ZOD_IMPORT],
    },
  },
  {
    // The CDK app shares only the contract (plain constants) and pure code with the runtime:
    // nothing that would pull AWS SDK clients or Powertools into synth.
    files: ['lib/**', 'bin/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // A regex: in gitignore-style groups a leading `#` starts a comment.
              regex: '^(@aws-sdk/|@aws-lambda-powertools/|#adapters/(?!dynamo/keys\\.ts$)|#composition/(?!contract\\.ts$)|#http/|#local/)',
              message: 'lib/ imports only layers/shared/composition/contract.ts, the domain and the table keys from the runtime.',
            },
          ],
        },
      ],
    },
  },
  {
    // The domain is free of AWS and of process.env (DESIGN.md).
    files: ['layers/shared/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: BUNDLE_WEIGHT_IMPORTS,
          patterns: [
            { group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*'], message: 'The domain is free of AWS (DESIGN.md).' },
            // Adapters, wiring, HTTP and local mode depend on the domain, never the reverse.
            {
              regex: '^#(adapters|clients|config|composition|http|local)/|/(adapters|clients|config|composition|http|local)/',
              message: 'The domain depends on nothing outside layers/shared/domain (DESIGN.md).',
            },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'The domain takes its settings as arguments.' }],
    },
  },
  {
    // The one door to zod/mini.
    files: ['layers/shared/domain/model/schema.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
