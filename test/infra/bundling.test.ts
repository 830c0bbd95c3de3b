/**
 * Real esbuild bundles (slow compared with template tests, so only here): a broken bundle, an
 * unresolved `#alias` import or an ESM output that cannot load must fail CI, not the deployment.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES } from '../../bench/lib/bundles.ts';
import { PROJECT_ROOT, VigilFunction } from '../../lib/constructs/vigil-function.ts';
import { buildTestApp } from './support.ts';

const FIXTURE_ENTRY = fileURLToPath(new URL('./fixtures/handler.ts', import.meta.url));
/** The Lambda entries the stateless stack bundles, by `lambdas/` folder. */
const FUNCTION_NAMES = ['api', 'scheduler', 'runner', 'cost-collector'] as const;

const outdirs: string[] = [];

function newOutdir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bundle-'));
  outdirs.push(dir);
  return dir;
}

/** The folder of each bundled function asset of `stack`, by Powertools service name, from the asset metadata. */
function assetDirs(outdir: string, stack: Stack): Record<string, string> {
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  return Object.fromEntries(
    Object.values(functions)
      // Vigil's own functions; the console's BucketDeployment function is aws-cdk-lib's, not bundled here.
      .filter((fn) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME !== undefined)
      .map((fn) => [
      fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string,
      path.join(outdir, fn.Metadata['aws:asset:path'] as string),
    ]),
  );
}

/** The folder of the one bundled asset of `stack`. */
function assetDir(outdir: string, stack: Stack): string {
  const dirs = Object.values(assetDirs(outdir, stack));
  expect(dirs).toHaveLength(1);
  return dirs[0] as string;
}

/**
 * Imports the bundle in a fresh Node.js process, as Lambda does, and prints what `script` returns.
 * `env` adds to a bare environment (no credentials).
 */
function runInNode(bundle: string, script: string, env: Record<string, string> = {}): unknown {
  const output = execFileSync(
    process.execPath,
    ['--enable-source-maps', '--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); ${script}`],
    { encoding: 'utf8', env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...env }, timeout: 60_000 },
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? 'null');
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('a VigilFunction bundle', () => {
  let dir: string;

  beforeAll(() => {
    const outdir = newOutdir();
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'Bundled');
    new VigilFunction(stack, 'Fixture', {
      name: 'fixture',
      entry: FIXTURE_ENTRY,
      description: 'bundling test',
      logRetention: RetentionDays.ONE_DAY,
      logLevel: 'INFO',
    });
    app.synth();
    dir = assetDir(outdir, stack);
  }, 120_000);

  it('is a minified ES module with an external source map and no embedded sources', () => {
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __vigilCreateRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    // Minified: module-level names of the fixture are gone.
    expect(code).not.toContain('const logger');
    const map = JSON.parse(readFileSync(path.join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((source) => source.endsWith('layers/shared/domain/model/errors.ts'))).toBe(true);
  });

  it('resolves the #domain alias, bundles the AWS SDK and Powertools, keeps class names, and runs', () => {
    // Act
    const result = runInNode(path.join(dir, 'index.mjs'), "console.log(JSON.stringify(await m.handler({ value: 'x' })));");

    // Assess
    expect(result).toEqual({
      errorName: 'ValidationError',
      errorCode: 'validation_error',
      details: [{ path: 'value', message: 'is required' }],
      sdkClient: 'function',
      value: 'x',
      credentials: 'Unable to find environment variable credentials.',
    });
  });

  it("resolves Lambda's credentials from the environment, and nothing else, with the SDK's chain replaced", () => {
    // Prepare: a profile the full default chain would try first, and the variables Lambda sets.
    const lambdaCredentials = { AWS_ACCESS_KEY_ID: 'ASIAFIXTURE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };

    // Act
    const result = runInNode(path.join(dir, 'index.mjs'), 'console.log(JSON.stringify((await m.handler({})).credentials));', {
      ...lambdaCredentials,
      AWS_PROFILE: 'not-configured',
    });

    // Assess: the full chain would skip the environment for the profile and fail on it.
    expect(result).toBe('ASIAFIXTURE');
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code).not.toContain('defaultProvider::fromSSO');
  });

  it('carries its own AWS SDK instead of relying on the runtime one', () => {
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).toContain('DynamoDB');
  });
});

describe('the function bundles of the stateless stack', () => {
  let dirs: Record<string, string>;

  it.each(FUNCTION_NAMES)('has the entry lambdas/%s/handler.ts', (name) => {
    expect(existsSync(path.join(PROJECT_ROOT, 'lambdas', name, 'handler.ts'))).toBe(true);
  });

  beforeAll(() => {
    const outdir = newOutdir();
    const { app, stateless } = buildTestApp({ bundle: true, outdir });
    app.synth();
    dirs = assetDirs(outdir, stateless);
  }, 120_000);

  it('are one bundle per function', () => {
    expect(Object.keys(dirs).sort()).toEqual(FUNCTION_NAMES.map((name) => `vigil-${name}`).sort());
  });

  it('has a size budget for every function', () => {
    expect(Object.keys(BUNDLE_BUDGET_BYTES).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it.each(FUNCTION_NAMES)('keeps the %s bundle under its budget (npm run bench:bundles shows what weighs)', (name) => {
    const bytes = statSync(path.join(dirs[`vigil-${name}`] as string, 'index.mjs')).size;

    expect(bytes).toBeLessThan(BUNDLE_BUDGET_BYTES[name] as number);
  });

  it.each(FUNCTION_NAMES)('leaves the X-Ray SDK, the SDK credential chain beyond the environment and the SSO token path out of the %s bundle', (name) => {
    const code = readFileSync(path.join(dirs[`vigil-${name}`] as string, 'index.mjs'), 'utf8');

    expect(code).not.toContain('AWS_XRAY_DAEMON_ADDRESS');
    expect(code).not.toContain('defaultProvider::fromSSO');
    expect(code).not.toContain('@aws-sdk/token-providers - fromSso');
  });

  it.each(FUNCTION_NAMES)(
    'builds lambdas/%s/handler.ts into an ES module that loads without settings and exports handler',
    (name) => {
      // Act: no TABLE_NAME and friends, as the handlers read their settings on the first invocation.
      const loaded = runInNode(path.join(dirs[`vigil-${name}`] as string, 'index.mjs'), 'console.log(JSON.stringify(typeof m.handler));');

      // Assess
      expect(loaded).toBe('function');
    },
    60_000,
  );
});
