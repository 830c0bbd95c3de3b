/**
 * Function bundle benchmark: what each Lambda ships and how long its code takes to load cold.
 *
 *   npm run bench:bundles -- [--runs N] [--inputs N] [--node-options "..."] [--json]
 *
 * Synthesizes the app exactly as `cdk synth` does (cdk.json's context, the esbuild options of
 * lib/constructs/vigil-function.ts), so the bundles measured are the deployed ones. For each
 * function it reports the bytes of `index.mjs` and of its source map, and the median over `--runs`
 * (default 5) fresh `node` processes of the time `import()` of the bundle takes, with the
 * function's own environment (its `NODE_OPTIONS` included) and Lambda's variables set, so the
 * module initialisation runs as in Lambda. No credentials, no network: nothing is called.
 * `--inputs N` also lists each bundle's N heaviest packages and repository folders, from
 * esbuild's metafile; `--node-options` replaces the functions' `NODE_OPTIONS` (`""` for none), to
 * see what a flag such as `--enable-source-maps` costs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import {
  BUNDLE_BUDGET_BYTES,
  coldImport,
  lambdaEnvironment,
  median,
  synthesizeBundles,
  weightByOwner,
  type Metafile,
} from './lib/bundles.ts';

interface Args {
  readonly runs: number;
  readonly inputs: number;
  readonly json: boolean;
  readonly nodeOptions?: string;
}

function parseArgs(argv: readonly string[]): Args {
  let runs = 5;
  let inputs = 0;
  let json = false;
  let nodeOptions: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--runs') runs = Number(argv[++i]);
    else if (arg === '--inputs') inputs = Number(argv[++i]);
    else if (arg === '--node-options') nodeOptions = argv[++i] ?? '';
    else throw new Error(`unknown option ${arg} (use [--runs N] [--inputs N] [--node-options "..."] [--json])`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(inputs) || inputs < 0) throw new Error('--inputs must be a whole number');
  return { runs, inputs, json, ...(nodeOptions !== undefined && { nodeOptions }) };
}

export interface BundleFigures {
  readonly function: string;
  readonly bundle_bytes: number;
  readonly budget_bytes: number | null;
  readonly within_budget: boolean;
  readonly source_map_bytes: number;
  readonly cold_import_ms_median: number;
  readonly cold_import_cpu_ms_median: number;
  readonly cold_import_ms: number[];
  readonly node_options: string | null;
  readonly heaviest?: Array<{ readonly owner: string; readonly bytes: number }>;
}

const kB = (bytes: number): string => (bytes / 1000).toFixed(0);

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const outdir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-bundles-'));
  const loadStart = loadavg()[0] ?? 0;
  try {
    const bundles = synthesizeBundles(outdir, { metafile: args.inputs > 0 });
    const figures: BundleFigures[] = bundles.map((bundle) => {
      const file = path.join(bundle.dir, 'index.mjs');
      const map = `${file}.map`;
      const { NODE_OPTIONS: deployedOptions, ...env } = lambdaEnvironment(bundle);
      const nodeOptions = args.nodeOptions ?? deployedOptions ?? '';
      const times = Array.from({ length: args.runs }, () => coldImport(file, { ...env, ...(nodeOptions && { NODE_OPTIONS: nodeOptions }) }));
      const metafile = path.join(bundle.dir, 'index.meta.json');
      const bytes = statSync(file).size;
      const budget = BUNDLE_BUDGET_BYTES[bundle.name] ?? null;
      return {
        function: bundle.name,
        bundle_bytes: bytes,
        budget_bytes: budget,
        within_budget: budget === null || bytes < budget,
        source_map_bytes: existsSync(map) ? statSync(map).size : 0,
        cold_import_ms_median: Math.round(median(times.map((time) => time.wallMs))),
        cold_import_cpu_ms_median: Math.round(median(times.map((time) => time.cpuMs))),
        cold_import_ms: times.map((time) => Math.round(time.wallMs)),
        node_options: nodeOptions || null,
        ...(args.inputs > 0 && {
          heaviest: weightByOwner(JSON.parse(readFileSync(metafile, 'utf8')) as Metafile)
            .slice(0, args.inputs)
            .map(([name, bytes]) => ({ owner: name, bytes })),
        }),
      };
    });
    const load = { start: loadStart, end: loadavg()[0] ?? 0 };
    // A bundle over its budget fails the run, as it fails test/infra/bundling.test.ts.
    if (figures.some((row) => !row.within_budget)) process.exitCode = 1;
    if (args.json) {
      console.log(JSON.stringify({ node: process.version, runs: args.runs, load_average: load, functions: figures }, null, 2));
      return;
    }
    console.log(`Node ${process.version}, ${args.runs} cold imports per bundle, load average ${load.start.toFixed(1)} → ${load.end.toFixed(1)}`);
    console.log('function        bundle kB  budget kB  map kB  import ms  CPU ms  (each run, ms)');
    for (const row of figures) {
      console.log(
        `${row.function.padEnd(15)} ${kB(row.bundle_bytes).padStart(9)}  ${(row.budget_bytes === null ? '-' : kB(row.budget_bytes)).padStart(9)}` +
          `  ${kB(row.source_map_bytes).padStart(6)}  ${String(row.cold_import_ms_median).padStart(9)}  ${String(row.cold_import_cpu_ms_median).padStart(6)}` +
          `  (${row.cold_import_ms.join(' · ')})${row.within_budget ? '' : '  OVER BUDGET'}`,
      );
      for (const heavy of row.heaviest ?? []) console.log(`    ${kB(heavy.bytes).padStart(8)} kB  ${heavy.owner}`);
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main();
