/**
 * Templates an operator called a false positive. A finding's evidence lines are mapped to the
 * templates they belong to in the run's payload (the head a quoted `e.g.` line sits under), or,
 * for a line shown on its own, to the line masked the way the miner masks it; later windows mark
 * a template compatible with one of them `expected per feedback`, and a verdict whose alert
 * findings quote only such templates is capped at `warn` unless a rule breaches.
 */
import type { Finding, MonitorRun, RuleResult } from '../model/entities.ts';
import { templatesCompatible } from '../baseline/match.ts';
import { decodeHead, EXAMPLE } from '../judge/evidence.ts';
import { parsePayload } from '../judge/payload.ts';
import { maskLine, parseLine } from '../shrink/index.ts';
import type { TemplateAnnotations } from '../shrink/index.ts';
import type { ExpectedTemplate, Feedback } from './types.ts';

/** The note a template marked expected carries in the payload (PAYLOAD_NOTATION explains it). */
export const EXPECTED_NOTE = ' [expected per feedback]';

/** A log line as the miner would template it: its body without header, variables masked. */
export function templateOfLine(line: string): string {
  return maskLine(parseLine(line).body);
}

const LEVEL_WORD = /^(?:FATAL|ERROR|WARN|INFO|DEBUG|TRACE) /;

/** For each label's templates-mode block: each real line shown under a template head, with that head's template. */
function examplesUnderHeads(payload: string, labels: readonly string[]): Map<string, Map<string, string>> {
  const byLabel = new Map<string, Map<string, string>>();
  for (const block of parsePayload(payload, labels)) {
    const examples = new Map<string, string>();
    let head: string | null = null;
    for (const raw of block.lines) {
      const shown = raw.trim();
      const example = EXAMPLE.exec(shown);
      if (example !== null && /^[ \t]/.test(raw)) {
        if (head !== null) examples.set(shown.slice(example[0].length), head);
        continue;
      }
      head = decodeHead(shown)?.body ?? null;
    }
    byLabel.set(block.label, examples);
  }
  return byLabel;
}

/** The templates of the findings' evidence, as a `false_positive` on them makes expected. */
export function evidenceTemplates(run: Pick<MonitorRun, 'payload' | 'inputs'>, findings: readonly Finding[]): ExpectedTemplate[] {
  const heads = run.payload === null ? new Map<string, Map<string, string>>() : examplesUnderHeads(run.payload, Object.keys(run.inputs));
  const out: ExpectedTemplate[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    for (const evidence of finding.evidence) {
      const quoted = evidence.replace(LEVEL_WORD, '');
      const labels = finding.label === null ? [...heads.keys()] : [finding.label];
      const head = labels.map((label) => heads.get(label)?.get(evidence) ?? heads.get(label)?.get(quoted)).find((found) => found !== undefined);
      const template = head ?? templateOfLine(evidence);
      if (template.trim() === '') continue;
      const key = `${finding.label ?? ''}\u0000${template}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ label: finding.label, template });
    }
  }
  return out;
}

/** The expected templates of the newest feedback, false positives only. */
export function expectedTemplatesOf(feedback: readonly Feedback[]): ExpectedTemplate[] {
  return feedback.filter((item) => item.verdict === 'false_positive').flatMap((item) => item.expectedTemplates);
}

function expectedIn(expected: readonly ExpectedTemplate[], label: string | null, template: string): boolean {
  return expected.some(
    (item) => (item.label === null || label === null || item.label === label) && templatesCompatible(item.template, template),
  );
}

/** Whether a log line (evidence) of `label` belongs to an expected template. */
export function lineIsExpected(expected: readonly ExpectedTemplate[], label: string | null, line: string): boolean {
  return expectedIn(expected, label, templateOfLine(line)) || expectedIn(expected, label, templateOfLine(line.replace(LEVEL_WORD, '')));
}

/** A label's annotations with `[expected per feedback]` added after each expected template. */
export function withExpectedNotes(
  annotations: TemplateAnnotations | undefined,
  expected: readonly ExpectedTemplate[],
  label: string,
): TemplateAnnotations | undefined {
  const ofLabel = expected.filter((item) => item.label === null || item.label === label);
  if (ofLabel.length === 0) return annotations;
  return {
    ...annotations,
    noteOf: (template) => {
      const base = annotations?.noteOf?.(template);
      if (!expectedIn(ofLabel, label, template.template)) return base;
      return `${base ?? ''}${EXPECTED_NOTE}`;
    },
  };
}

/**
 * Caps an `alert` verdict at `warn` when no rule breached and every alert finding quotes only
 * lines of expected templates: what the operator said needs no action does not page on its own.
 * Returns null when nothing changes.
 */
export function capExpectedAlert(
  verdict: { status: 'ok' | 'warn' | 'alert'; findings: Finding[] },
  ruleResults: readonly RuleResult[],
  expected: readonly ExpectedTemplate[],
): { status: 'warn'; findings: Finding[]; note: string } | null {
  if (verdict.status !== 'alert' || expected.length === 0 || ruleResults.some((result) => result.breached)) return null;
  const alerts = verdict.findings.filter((finding) => finding.severity === 'alert');
  if (alerts.length === 0) return null;
  const onlyExpected = alerts.every(
    (finding) => finding.evidence.length > 0 && finding.evidence.every((line) => lineIsExpected(expected, finding.label, line)),
  );
  if (!onlyExpected) return null;
  return {
    status: 'warn',
    findings: verdict.findings.map((finding) => (finding.severity === 'alert' ? { ...finding, severity: 'warn' } : finding)),
    note: 'Capped at warn: the alert findings quote only templates an operator marked a false positive (expected per feedback), and no rule breached.',
  };
}

/** `anomaly id=<id> …` lines of a cost input (collect/cost-lines.ts). */
const ANOMALY_LINE = /\banomaly id=([A-Za-z0-9-]{1,128}) /;

/** The Cost Anomaly Detection ids the findings' evidence quotes, in order, once each. */
export function anomalyIdsOf(findings: readonly Finding[]): string[] {
  const ids = new Set<string>();
  for (const finding of findings) {
    for (const line of finding.evidence) {
      const match = ANOMALY_LINE.exec(line);
      if (match?.[1] !== undefined) ids.add(match[1]);
    }
  }
  return [...ids];
}
