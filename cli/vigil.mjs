#!/usr/bin/env node
// The `vigil` command (package.json "bin"): runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./vigil.ts');
