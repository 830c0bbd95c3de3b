/**
 * Zod's tree-shakable API (`zod/mini`: `z.string().check(z.minLength(1))`, `z.optional(…)`) with
 * its English messages, for the schemas the runner and the scheduler bundle: the environment, the
 * run message, the model's verdict, price overrides. Classic `zod` attaches every method to every
 * schema, so it costs about 100 KB in a bundle however little of it is used, against about 35 KB
 * here (`npm run bench:bundles`); the API's request schemas, which use most of it, stay classic.
 *
 * Import as `import * as z from '#domain/model/schema.ts'` (a namespace import, so esbuild keeps
 * only what is used). Without the locale, zod/mini says "Invalid input" for every issue; the
 * messages go to operators (a bad setting) and back to the model (an invalid verdict).
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
