/**
 * The deployed function bundles, synthesized as `cdk synth` builds them, and how they are measured:
 * shared by `npm run bench:bundles` and the budget test (test/infra/bundling.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CONFIG_CONTEXT_KEY, parseVigilConfig } from '../../lib/config.ts';
import { BUNDLE_METAFILE_CONTEXT, PROJECT_ROOT } from '../../lib/constructs/vigil-function.ts';
import { addVigilStacks } from '../../lib/vigil-app.ts';

/**
 * Bytes each function's `index.mjs` must stay under (decimal kB: 400 kB = 400,000 bytes). The
 * scheduler and runner figures are issue 11's targets; the API's and the cost collector's keep
 * what they weigh now from growing unnoticed. test/infra/bundling.test.ts fails past them.
 */
export const BUNDLE_BUDGET_BYTES: Readonly<Record<string, number>> = {
  // 824 kB on main (the OpenAPI generator, feedback and insights routes, a Cost Explorer client for
  // ProvideAnomalyFeedback) and ~93 kB for the preview (collect, shrink and the rules judge).
  api: 950_000,
  // Cost Explorer and Cost Optimization Hub (savings) clients: the only function that calls them.
  'cost-collector': 600_000,
  // Issue 11's target: 864 kB with feedback and insights.
  runner: 900_000,
  scheduler: 400_000,
};

/** One function's bundle as synthesized: its asset folder and its environment. */
export interface SynthesizedBundle {
  /** The `lambdas/` folder name (`runner`, ...). */
  readonly name: string;
  readonly dir: string;
  /** The function's environment variables; CloudFormation references become placeholders. */
  readonly environment: Record<string, string>;
  readonly memorySize: number;
}

/**
 * Synthesizes both stacks into `outdir` with cdk.json's context and returns each function's
 * bundle, as `cdk synth` would build it. `metafile` also writes esbuild's `index.meta.json`.
 */
export function synthesizeBundles(outdir: string, options: { metafile?: boolean } = {}): SynthesizedBundle[] {
  const context = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
  const app = new App({
    outdir,
    context: { ...context, 'aws:cdk:enable-asset-metadata': true, ...(options.metafile && { [BUNDLE_METAFILE_CONTEXT]: true }) },
  });
  const config = parseVigilConfig({ ...(context[CONFIG_CONTEXT_KEY] as object), account: '123456789012', region: 'eu-west-1' });
  const { stateless } = addVigilStacks(app, config);
  app.synth();
  const functions = Template.fromStack(stateless).findResources('AWS::Lambda::Function');
  return Object.values(functions)
    // Vigil's own functions only (they name their Powertools service); the console's
    // BucketDeployment brings aws-cdk-lib's own, which is not ours to measure.
    .filter((fn) => typeof fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'string')
    .map((fn) => {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      const environment = Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : `placeholder-${key.toLowerCase()}`]),
      );
      return {
        name: String(variables.POWERTOOLS_SERVICE_NAME).replace(/^vigil-/, ''),
        dir: path.join(outdir, fn.Metadata['aws:asset:path'] as string),
        environment,
        memorySize: fn.Properties.MemorySize as number,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The variables Lambda sets in every Node.js function's environment (no credentials: nothing may
 * call AWS while the module loads), then the function's own.
 */
export function lambdaEnvironment(bundle: SynthesizedBundle): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: `Vigil-Stateless-${bundle.name}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(bundle.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/Vigil-Stateless-${bundle.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/27/[$LATEST]00000000000000000000000000000000',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    LAMBDA_TASK_ROOT: bundle.dir,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    ...bundle.environment,
  };
}

/** How long `import()` of a bundle took: on the wall clock, and on the CPU (user + system). */
export interface ImportTime {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Times `import()` of `file` in a fresh `node` process with `env` (and only `env`), as Lambda
 * loads the handler module during a cold start. CPU time varies less than wall time on a busy
 * machine, where the process also waits for a core.
 */
export function coldImport(file: string, env: Record<string, string>): ImportTime {
  const script =
    'const cpu = process.cpuUsage(); const start = performance.now(); const m = await import(process.argv[1]);' +
    ' const wallMs = performance.now() - start; const { user, system } = process.cpuUsage(cpu);' +
    " if (typeof m.handler !== 'function') throw new Error('no handler export');" +
    ' process.stdout.write(JSON.stringify({ wallMs, cpuMs: (user + system) / 1000 }));';
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(file).href], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  return JSON.parse(output) as ImportTime;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export interface Metafile {
  readonly outputs: Record<string, { readonly inputs: Record<string, { readonly bytesInOutput: number }> }>;
}

/** The package an input file belongs to (`@aws-sdk/client-sqs`, `zod`), or its folder in the repository. */
function owner(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1] as string;
  return path.dirname(input);
}

/** Bytes each package (or repository folder) contributes to the output, heaviest first. */
export function weightByOwner(metafile: Metafile): Array<[string, number]> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      totals.set(owner(input), (totals.get(owner(input)) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

