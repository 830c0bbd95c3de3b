/**
 * Baselines across runs: what a monitor's past windows held, per label, and how the current
 * window compares (`NEW`, outside its usual range, `MISSING`, still learning).
 */
export { baselineBefore, classifyLabel, expectedInEveryWindow, matchTemplates, outsideUsual, usualRange } from './classify.ts';
export { keptTemplateText, templatesCompatible } from './match.ts';
export { baselineNotation, formatRange, missingLine, type BaselineNotation } from './notation.ts';
export type { BaselineRepository } from './ports.ts';
export { recordRun, type RunObservation } from './record.ts';
export * from './types.ts';
export { RunBaselines } from './run-baselines.ts';
