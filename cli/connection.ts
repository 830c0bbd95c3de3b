import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where the API is and what the CDK deploy said: flags first, then `VIGIL_API_URL` /
 * `VIGIL_API_KEY`, then the outputs file `cdk deploy --outputs-file` wrote (`--outputs`,
 * `VIGIL_OUTPUTS_FILE`, or `cdk-outputs.json` in the current directory when it exists).
 */

export interface ConnectionFlags {
  apiUrl?: string;
  apiKey?: string;
  outputs?: string;
}

/** The stack outputs, flattened over the stacks of the file (`{stack: {key: value}}`). */
export type StackOutputs = Record<string, string>;

export const DEFAULT_OUTPUTS_FILE = 'cdk-outputs.json';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Reads the outputs file; null when none is named and the default does not exist. */
export function readStackOutputs(flags: ConnectionFlags, env: Record<string, string | undefined>, cwd: string): StackOutputs | null {
  const named = flags.outputs ?? env.VIGIL_OUTPUTS_FILE;
  const path = resolve(cwd, named ?? DEFAULT_OUTPUTS_FILE);
  if (named === undefined && !existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the CDK outputs file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object') throw new UsageError(`${path} is not a CDK outputs file ({"<stack>": {"<output>": "<value>"}})`);
  const outputs: StackOutputs = {};
  const from: Record<string, string> = {};
  for (const [stack, values] of Object.entries(parsed as Record<string, unknown>)) {
    if (values === null || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      if (outputs[key] !== undefined && outputs[key] !== value) {
        throw new UsageError(`${path} holds ${key} of two stacks (${from[key]}, ${stack}); keep one deployment's outputs per file`);
      }
      outputs[key] = value;
      from[key] = stack;
    }
  }
  return outputs;
}

export interface Connection {
  baseUrl: string;
  apiKey: string | undefined;
}

/** The API's URL and key; a UsageError that says where to set them when no URL is found. */
export function resolveConnection(flags: ConnectionFlags, env: Record<string, string | undefined>, cwd: string): Connection {
  const apiKey = flags.apiKey ?? env.VIGIL_API_KEY;
  const explicit = flags.apiUrl ?? env.VIGIL_API_URL;
  if (explicit !== undefined && explicit !== '') return { baseUrl: explicit, apiKey };
  const outputs = readStackOutputs(flags, env, cwd);
  if (outputs?.ApiUrl) return { baseUrl: outputs.ApiUrl, apiKey };
  throw new UsageError(
    'no API URL: pass --api-url, set VIGIL_API_URL (local mode: http://127.0.0.1:3000), or run where ' +
      `${DEFAULT_OUTPUTS_FILE} from "cdk deploy --outputs-file ${DEFAULT_OUTPUTS_FILE}" is (or pass --outputs)`,
  );
}
