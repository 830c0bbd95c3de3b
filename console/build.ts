/**
 * Builds the web console with Vite when its output folder has no index.html yet: `npm start`
 * (local mode serves it) and `cdk synth` (the console construct publishes it) both call this, so
 * a fresh clone needs no separate build step. Offline: Vite and the console's dependencies come
 * from node_modules; a build takes a few seconds.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console's sources (`console/`) and its default build folder (`console/dist`, gitignored). */
export const CONSOLE_ROOT = fileURLToPath(new URL('.', import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_ROOT, 'dist');

/**
 * Builds the console into `outDir` (default `console/dist`) unless it already holds an index.html.
 * @returns whether a build ran
 */
export async function ensureConsoleBuilt(options: { outDir?: string; log?: (line: string) => void } = {}): Promise<boolean> {
  const outDir = resolve(options.outDir ?? CONSOLE_DIST);
  if (existsSync(join(outDir, 'index.html'))) return false;
  const started = Date.now();
  options.log?.(`building the web console into ${outDir} (Vite)…`);
  const { build } = await import('vite');
  await build({ configFile: join(CONSOLE_ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  options.log?.(`web console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
