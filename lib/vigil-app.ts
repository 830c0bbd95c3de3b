import path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { PROJECT_ROOT } from './constructs/vigil-function.ts';
import type { VigilConfig } from './config.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface VigilStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

export interface VigilStacksOptions {
  /**
   * The API handler file.
   * @default lambdas/api/handler.ts
   */
  readonly apiEntry?: string;
  /**
   * The built web console published by the stateless stack.
   * @default console/dist (bin/vigil.ts builds it when missing)
   */
  readonly consoleAssetDir?: string;
}

/** Where `npm start` and `cdk synth` build the console (console/build.ts). */
export const DEFAULT_CONSOLE_ASSET_DIR = path.join(PROJECT_ROOT, 'console', 'dist');

/**
 * Adds Vigil's two stacks to an app: `<prefix>-Stateful` and `<prefix>-Stateless`, which
 * references it (deploy order follows). Without `account`/`region` in the config, the stacks
 * target the CLI's current account and Region.
 */
export function addVigilStacks(app: App, config: VigilConfig, options: VigilStacksOptions = {}): VigilStacks {
  const env = {
    account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT,
    region: config.region ?? process.env.CDK_DEFAULT_REGION,
  };
  // Stack tags reach every resource through CloudFormation (cost allocation, ownership).
  const tags = { Application: 'Vigil' };
  const stateful = new StatefulStack(app, `${config.stackPrefix}-Stateful`, { config, env, tags });
  const stateless = new StatelessStack(app, `${config.stackPrefix}-Stateless`, {
    config,
    env,
    tags,
    table: stateful.table,
    runQueue: stateful.runQueue,
    alertTopic: stateful.alertTopic,
    opsTopic: stateful.opsTopic,
    apiEntry: options.apiEntry,
    consoleAssetDir: options.consoleAssetDir ?? DEFAULT_CONSOLE_ASSET_DIR,
  });
  return { stateful, stateless };
}
