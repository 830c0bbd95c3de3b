/**
 * `npm run openapi`: writes docs/openapi.json from the API's routes and zod schemas.
 * `npm run openapi -- --check` exits 1 when the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderOpenApi } from '../lambdas/api/openapi-file.ts';

const file = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
const rendered = renderOpenApi();
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== rendered) {
    console.error('docs/openapi.json is out of date: run npm run openapi');
    process.exit(1);
  }
} else {
  writeFileSync(file, rendered);
  console.warn(`wrote ${file}`);
}
