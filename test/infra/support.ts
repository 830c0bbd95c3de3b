/**
 * Builds Vigil's app the way bin/vigil.ts does, with cdk.json's context (feature flags and the
 * `vigil` defaults), for template assertions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CONFIG_CONTEXT_KEY, parseVigilConfig } from '../../lib/config.ts';
import { PROJECT_ROOT } from '../../lib/constructs/vigil-function.ts';
import type { VigilStacks } from '../../lib/vigil-app.ts';
import { addVigilStacks } from '../../lib/vigil-app.ts';

/** cdk.json's `context`, which the CLI hands to the app. */
export const CDK_CONTEXT: Record<string, unknown> & { vigil: Record<string, unknown> } = JSON.parse(
  readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

/** Pinned so templates do not depend on the machine's AWS settings. */
export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' } as const;

export interface TestAppOptions {
  /** Replaces keys of cdk.json's `vigil` settings. */
  readonly config?: Record<string, unknown>;
  /** Run esbuild and record asset metadata; off by default, as most tests look at the template only. */
  readonly bundle?: boolean;
  readonly outdir?: string;
}

export interface TestApp extends VigilStacks {
  readonly app: App;
}

/** A new app with both stacks; `aws:cdk:bundling-stacks: []` skips esbuild unless `bundle`. */
export function buildTestApp(options: TestAppOptions = {}): TestApp {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...CDK_CONTEXT,
      // As the CLI does, so a test can find the bundle through the function's asset metadata.
      ...(options.bundle ? { 'aws:cdk:enable-asset-metadata': true } : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const config = parseVigilConfig({
    ...CDK_CONTEXT[CONFIG_CONTEXT_KEY],
    ...TEST_ENV,
    ...options.config,
  });
  return { app, ...addVigilStacks(app, config) };
}

/** Both templates of a new app. */
export function synthTemplates(options: TestAppOptions = {}): { stateful: Template; stateless: Template; app: TestApp } {
  const app = buildTestApp(options);
  return { stateful: Template.fromStack(app.stateful), stateless: Template.fromStack(app.stateless), app };
}
