/**
 * Function bundle benchmark: what each Lambda ships and how long its code takes to load cold.
 *
 *   npm run bench:bundles -- [--runs N] [--inputs N] [--json]
 *
 * Synthesizes the app exactly as `cdk synth` does (cdk.json's context, the esbuild options of
 * lib/constructs/vigil-function.ts), so the bundles measured are the deployed ones. For each
 * function it reports the bytes of `index.mjs` and of its source map, and the median over `--runs`
 * (default 5) fresh `node` processes of the time `import()` of the bundle takes, with the
 * function's own environment (its `NODE_OPTIONS` included) and Lambda's variables set, so the
 * module initialisation runs as in Lambda. No credentials, no network: nothing is called.
 * `--inputs N` also lists each bundle's N heaviest packages and files, from esbuild's metafile.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import {
  coldImportMs,
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
}

function parseArgs(argv: readonly string[]): Args {
  let runs = 5;
  let inputs = 0;
  let json = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--runs') runs = Number(argv[++i]);
    else if (arg === '--inputs') inputs = Number(argv[++i]);
    else throw new Error(`unknown option ${arg} (use [--runs N] [--inputs N] [--json])`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(inputs) || inputs < 0) throw new Error('--inputs must be a whole number');
  return { runs, inputs, json };
}

export interface BundleFigures {
  readonly function: string;
  readonly bundle_bytes: number;
  readonly source_map_bytes: number;
  readonly cold_import_ms_median: number;
  readonly cold_import_ms: number[];
  readonly node_options: string | null;
  readonly heaviest?: Array<{ readonly owner: string; readonly bytes: number }>;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const outdir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-bundles-'));
  const loadStart = loadavg()[0] ?? 0;
  try {
    const bundles = synthesizeBundles(outdir, { metafile: args.inputs > 0 });
    const figures: BundleFigures[] = bundles.map((bundle) => {
      const file = path.join(bundle.dir, 'index.mjs');
      const map = `${file}.map`;
      const env = lambdaEnvironment(bundle);
      const times = Array.from({ length: args.runs }, () => coldImportMs(file, env));
      const metafile = path.join(bundle.dir, 'index.meta.json');
      return {
        function: bundle.name,
        bundle_bytes: statSync(file).size,
        source_map_bytes: existsSync(map) ? statSync(map).size : 0,
        cold_import_ms_median: Math.round(median(times)),
        cold_import_ms: times.map((ms) => Math.round(ms)),
        node_options: bundle.environment.NODE_OPTIONS ?? null,
        ...(args.inputs > 0 && {
          heaviest: weightByOwner(JSON.parse(readFileSync(metafile, 'utf8')) as Metafile)
            .slice(0, args.inputs)
            .map(([name, bytes]) => ({ owner: name, bytes })),
        }),
      };
    });
    const load = { start: loadStart, end: loadavg()[0] ?? 0 };
    if (args.json) {
      console.log(JSON.stringify({ node: process.version, runs: args.runs, load_average: load, functions: figures }, null, 2));
      return;
    }
    console.log(`Node ${process.version}, ${args.runs} cold imports per bundle, load average ${load.start.toFixed(1)} → ${load.end.toFixed(1)}`);
    console.log('function        bundle KB  map KB  cold import ms (median; each run)');
    for (const row of figures) {
      console.log(
        `${row.function.padEnd(15)} ${(row.bundle_bytes / 1024).toFixed(0).padStart(9)}  ${(row.source_map_bytes / 1024).toFixed(0).padStart(6)}  ` +
          `${String(row.cold_import_ms_median).padStart(4)}; ${row.cold_import_ms.join(' · ')}`,
      );
      for (const heavy of row.heaviest ?? []) console.log(`    ${(heavy.bytes / 1024).toFixed(1).padStart(8)} KB  ${heavy.owner}`);
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main();
