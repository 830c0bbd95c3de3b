/**
 * Log template mining and payload rendering: a monitor's window of lines becomes a payload that
 * shows the model every pattern, within a character and line budget.
 */
export { WILDCARD, maskLine, maskToken, maskedTokens } from './masking.ts';
export { headerTimestamp, levelRank, normalizeLevel, parseLine, splitHeader } from './header.ts';
export type { HeaderSplit, LogLevel, ParsedLine } from './header.ts';
export { OVERFLOW_ID, TemplateMiner, templateId, templateIdOf } from './drain.ts';
export type { LineMeta, MinedTemplate, MinerOptions, TemplateExample } from './drain.ts';
export { templateWithRanges } from './numbers.ts';
export type { NumberRange } from './numbers.ts';
export { RARE_COUNT, mineWindow, orderTemplates, renderRaw, renderTemplates, renderWindow } from './render.ts';
export type { RenderBudget, RenderMode, RenderWindowOptions, RenderedWindow, TemplateAnnotations, WindowLine } from './render.ts';
