/**
 * Deterministic rules: counted in code over each label's window before the model is asked, so
 * numbers never come from the model. A breached rule sets a floor on the run's status.
 */
import { COST_RULE_KINDS, type CostRuleKind, type FinalRunStatus, type MonitorRule, type RuleKind, type RuleResult, type Severity } from '#domain/model/entities.ts';
import type { VerdictStatus } from './ports.ts';
import { compileLinePattern, type LinePattern } from '../model/line-pattern.ts';
import { describeMetricRuleResult } from '../numbers/metric-rules.ts';

const STATUS_RANK: Readonly<Record<FinalRunStatus, number>> = { ok: 0, warn: 1, alert: 2, error: 3 };

/** The more severe of two verdict statuses (`alert` > `warn` > `ok`). */
export function maxStatus(a: VerdictStatus, b: VerdictStatus): VerdictStatus {
  return STATUS_RANK[a] >= STATUS_RANK[b] ? a : b;
}

// Patterns are validated at the API, but a monitor written before a validation change (or by
// hand in the table) must not throw in the runner: an invalid pattern matches nothing.
const compiled = new Map<string, LinePattern | null>();
const MAX_CACHED_PATTERNS = 500;

/**
 * The rule's pattern as a RegExp, compiled once per pattern and cached; null when it is not a
 * valid pattern. RE2 (linear time): an operator's pattern cannot stall a run.
 */
export function compileRulePattern(pattern: string): LinePattern | null {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  let regex: LinePattern | null;
  try {
    regex = compileLinePattern(pattern);
  } catch {
    regex = null;
  }
  if (compiled.size >= MAX_CACHED_PATTERNS) compiled.clear();
  compiled.set(pattern, regex);
  return regex;
}

/** The lines of `label` in `lines`, matched exactly first and then case-insensitively (labels are unique either way). */
export function linesOfLabel<T>(lines: ReadonlyMap<string, readonly T[]>, label: string): readonly T[] {
  const exact = lines.get(label);
  if (exact !== undefined) return exact;
  const wanted = label.toLowerCase();
  for (const [name, value] of lines) if (name.toLowerCase() === wanted) return value;
  return [];
}

/** A rule's kind and figure: `expect_at_least` when it sets `expectAtLeast`, else `min_count`. */
export function ruleThreshold(rule: MonitorRule): { kind: RuleKind; threshold: number } {
  return rule.expectAtLeast !== undefined
    ? { kind: 'expect_at_least', threshold: rule.expectAtLeast }
    : { kind: 'min_count', threshold: rule.minCount };
}

/**
 * Counts, for each rule, the lines of its label's window that match its pattern. A `min_count`
 * rule is breached when the count reaches its threshold; an `expect_at_least` rule when the count
 * stays below it. A label with no lines (absent or empty) counts 0, and so does a pattern that
 * does not compile — so an `expect_at_least` rule on an empty window is breached. A label in
 * `unread` (its input failed) is not counted at all: the result says so and is never breached,
 * because a read that failed says nothing about how many lines there were.
 */
export function evaluateRules(
  rules: readonly MonitorRule[],
  lines: ReadonlyMap<string, readonly string[]>,
  unread: ReadonlySet<string> = new Set(),
): RuleResult[] {
  const failed = new Set([...unread].map((label) => label.toLowerCase()));
  return rules.map((rule) => {
    const { kind, threshold } = ruleThreshold(rule);
    const base = { label: rule.label, pattern: rule.pattern, kind, threshold };
    if (failed.has(rule.label.toLowerCase())) return { ...base, count: 0, severity: rule.severity, breached: false, unread: true };
    const regex = compileRulePattern(rule.pattern);
    const count = regex === null ? 0 : linesOfLabel(lines, rule.label).filter((line) => regex.test(line)).length;
    const breached = kind === 'expect_at_least' ? count < threshold : count >= threshold;
    return { ...base, count, severity: rule.severity, breached };
  });
}

/** The lowest status the breached rules allow: the most severe breached rule's severity, else `ok`. */
export function statusFloor(results: readonly RuleResult[]): VerdictStatus {
  return results.reduce<VerdictStatus>(
    (floor, result) => (result.breached ? maxStatus(floor, result.severity satisfies Severity) : floor),
    'ok',
  );
}

/** True for a rule that counts lines (`min_count`, `expect_at_least`); false for a number rule (cost kinds). */
/** Whether a result is a cost rule's (figures from a snapshot, no pattern or count). */
export function isCostRuleResult(result: RuleResult): result is RuleResult & { kind: CostRuleKind } {
  return (COST_RULE_KINDS as readonly (string | undefined)[]).includes(result.kind);
}

export function isLineRule(result: Pick<RuleResult, 'kind'>): boolean {
  return result.kind === undefined || result.kind === 'min_count' || result.kind === 'expect_at_least';
}

const matching = (count: number): string => `${count} matching ${count === 1 ? 'line' : 'lines'}`;

/**
 * How a rule result reads in summaries, prompts and notices: `ERRORS /ERROR|Exception/: 37
 * matching lines (alert)` for a `min_count` rule, `heartbeat /heartbeat/: 0 matching lines,
 * expected at least 1 (alert)` for an `expect_at_least` rule, whose count is low when breached;
 * `… not counted, the input could not be read` when its input failed.
 */
export function describeRuleResult(result: RuleResult): string {
  if (result.kind === 'metric') return describeMetricRuleResult(result);
  if (!isLineRule(result)) return `${result.label} ${result.kind ?? ''}: ${result.detail ?? 'no figures'} (${result.severity})`;
  if (result.unread === true) return `${result.label} /${result.pattern}/: not counted, the input could not be read (${result.severity})`;
  const expected = result.kind === 'expect_at_least' ? `, expected at least ${result.threshold ?? 1}` : '';
  return `${result.label} /${result.pattern}/: ${matching(result.count)}${expected} (${result.severity})`;
}

/**
 * Marks each breached rule with the masked-line id most of its matching lines share (ties: the
 * smallest id, so the choice is stable). The dominant template, not the set of them, so one
 * rare line entering or leaving the window does not make the same breach look like a new one.
 */
export function withDominantTemplates(
  results: readonly RuleResult[],
  lines: ReadonlyMap<string, readonly string[]>,
  maskedLineIdOf: (line: string) => string,
): RuleResult[] {
  return results.map((result) => {
    if (!result.breached || !isLineRule(result)) return result;
    const regex = compileRulePattern(result.pattern);
    if (regex === null) return result;
    const counts = new Map<string, number>();
    for (const line of linesOfLabel(lines, result.label)) {
      if (!regex.test(line)) continue;
      const id = maskedLineIdOf(line);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    let best: [string, number] | null = null;
    for (const entry of counts) {
      if (best === null || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
    }
    return { ...result, templateId: best?.[0] ?? null };
  });
}
