#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { VigilConfig } from '../lib/config.ts';
import { CONFIG_CONTEXT_KEY, parseVigilConfig, VigilConfigError } from '../lib/config.ts';
import { addVigilStacks, DEFAULT_CONSOLE_ASSET_DIR } from '../lib/vigil-app.ts';
import { ensureConsoleBuilt } from '../console/build.ts';

const app = new App();

let config: VigilConfig;
try {
  config = parseVigilConfig(app.node.tryGetContext(CONFIG_CONTEXT_KEY));
} catch (error) {
  // A settings mistake is the operator's to fix: the message names the key, a stack trace adds nothing.
  if (!(error instanceof VigilConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// The console construct publishes console/dist: built here (offline, a few seconds) when missing.
await ensureConsoleBuilt({ outDir: DEFAULT_CONSOLE_ASSET_DIR, log: (line) => console.error(line) });
addVigilStacks(app, config);
// cdk-nag 3 is a policy-validation plugin: unacknowledged findings fail the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
