/**
 * The judge where no model is available (local mode without AWS credentials): the verdict is
 * what the deterministic rules say, and the summary says the model was not consulted.
 */
import type { Finding } from '#domain/model/entities.ts';
import { evidenceLines } from './evidence.ts';
import type { Judge, JudgeOutcome, JudgeRequest } from './ports.ts';
import { compileRulePattern, describeRuleResult, linesOfLabel, statusFloor } from './rules.ts';

const EVIDENCE_PER_RULE = 3;

/** Status from the rules' floor; one finding per breached rule, quoting its first matching lines. */
export class RulesOnlyJudge implements Judge {
  readonly kind = 'rules' as const;

  /** @param reason why no model is consulted, shown in every summary. */
  constructor(private readonly reason = 'no Bedrock access in this environment') {}

  async judge(request: JudgeRequest): Promise<JudgeOutcome> {
    // Each payload line with the log line it stands for (a summarised block's notation removed).
    const lines = new Map<string, { shown: string; evidence: string }[]>();
    for (const line of evidenceLines(request.payload, request.labels)) {
      const ofLabel = lines.get(line.label);
      if (ofLabel === undefined) lines.set(line.label, [line]);
      else ofLabel.push(line);
    }
    const breached = request.ruleResults.filter((result) => result.breached);
    const findings: Finding[] = breached.map((result) => {
      const regex = compileRulePattern(result.pattern);
      const matching = regex === null ? [] : linesOfLabel(lines, result.label).filter((line) => regex.test(line.shown));
      return {
        title: `Rule breached: ${describeRuleResult(result)}`,
        severity: result.severity,
        label: result.label,
        evidence: [...new Set(matching.map((line) => line.evidence))].slice(0, EVIDENCE_PER_RULE),
        recommendation: null,
      };
    });
    const outcome =
      breached.length === 0
        ? request.ruleResults.length === 0
          ? 'no rules are configured'
          : 'no rule breached'
        : `breached: ${breached.map(describeRuleResult).join('; ')}`;
    return {
      verdict: {
        status: statusFloor(request.ruleResults),
        summary: `Rules only, the model was not consulted (${this.reason}): ${outcome}.`,
        findings,
      },
      usage: { kind: 'rules', modelId: null, inputTokens: 0, outputTokens: 0, latencyMs: 0, modelCalls: 0 },
      error: null,
      rawReply: null,
      droppedEvidence: 0,
    };
  }
}
