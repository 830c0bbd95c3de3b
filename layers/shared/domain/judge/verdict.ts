/**
 * The verdict the model reports through the `report_verdict` tool: its JSON schema (what the
 * model is given), its zod schema (what we accept) and the evidence check (what we keep).
 */
import * as z from '#domain/model/schema.ts';
import type { Finding } from '#domain/model/entities.ts';
import { evidenceLines, quoteSpellings, type EvidenceLine } from './evidence.ts';
import { neutraliseFence } from './payload.ts';
import type { Verdict } from './ports.ts';

export const VERDICT_TOOL_NAME = 'report_verdict';

const MAX_FINDINGS = 20;
const MAX_EVIDENCE_PER_FINDING = 10;
const MAX_SUMMARY_CHARS = 2000;
const MAX_TITLE_CHARS = 200;
const MAX_RECOMMENDATION_CHARS = 1000;

/** A JSON value (what a tool's input schema is made of). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The tool's input schema, as the model sees it. Descriptions are instructions too. */
export const VERDICT_JSON_SCHEMA: { [key: string]: JsonValue } = {
  type: 'object',
  properties: {
    status: {
      type: 'string',
      enum: ['ok', 'warn', 'alert'],
      description:
        'ok: nothing needs attention. warn: something needs a look soon. alert: act now. Never lower than a breached rule\'s severity.',
    },
    summary: {
      type: 'string',
      description:
        'One or two plain sentences for the operator: what happened and since when. Take counts from the rule results or quote them from the logs; do not estimate numbers.',
    },
    findings: {
      type: 'array',
      maxItems: MAX_FINDINGS,
      description: 'One entry per distinct problem; empty when status is ok and nothing stands out.',
      items: {
        type: 'object',
        properties: {
          title: { type: 'string', description: 'A short name for the problem.' },
          severity: { type: 'string', enum: ['info', 'warn', 'alert'] },
          label: { type: 'string', description: 'The [LABEL] of the block the evidence comes from.' },
          evidence: {
            type: 'array',
            maxItems: MAX_EVIDENCE_PER_FINDING,
            items: { type: 'string' },
            description:
              'Whole log lines copied verbatim from inside <logs>, one per item: for a summarised block, the line after `e.g. ` or `outlier: `, or a line shown whole without its count and time. Never paraphrase.',
          },
          recommendation: { type: 'string', description: 'What the operator should check or do next.' },
        },
        required: ['title', 'severity', 'evidence'],
      },
    },
  },
  required: ['status', 'summary', 'findings'],
};

const clip = (max: number) => (text: string) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

// Models differ in small ways that are not worth a repair turn: `"Warn"`, `"warning"`, a
// nested array sent as a JSON string (seen with some non-Anthropic models on Converse).
const lenientEnum = <T extends string>(values: readonly [T, ...T[]], aliases: Record<string, T> = {}) =>
  z.pipe(
    z.transform((value: unknown) => {
      if (typeof value !== 'string') return value;
      const word = value.trim().toLowerCase();
      return aliases[word] ?? word;
    }),
    z.enum(values),
  );

const jsonString = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

const optionalText = (max: number) =>
  z.pipe(
    z.nullish(z.string()),
    z.transform((text) => (text === undefined || text === null || text.trim() === '' ? null : clip(max)(text.trim()))),
  );

const FINDING_SCHEMA = z.object({
  title: z.pipe(z.string().check(z.trim(), z.minLength(1)), z.transform(clip(MAX_TITLE_CHARS))),
  severity: lenientEnum(['info', 'warn', 'alert'], { warning: 'warn' }),
  label: optionalText(64),
  evidence: z.pipe(z.transform(jsonString), z._default(z.array(z.string()), [])),
  recommendation: optionalText(MAX_RECOMMENDATION_CHARS),
});

const VERDICT_SCHEMA = z.object({
  status: lenientEnum(['ok', 'warn', 'alert'], { warning: 'warn' }),
  summary: z.pipe(z.string().check(z.trim(), z.minLength(1)), z.transform(clip(MAX_SUMMARY_CHARS))),
  findings: z.pipe(z.transform(jsonString), z._default(z.array(FINDING_SCHEMA), [])),
});

export type VerdictParse = { success: true; verdict: Verdict } | { success: false; error: string };

/** Validates the tool input the model sent; `error` is readable enough to send back to the model. */
export function parseVerdict(input: unknown): VerdictParse {
  const parsed = VERDICT_SCHEMA.safeParse(jsonString(input));
  if (!parsed.success) return { success: false, error: z.prettifyError(parsed.error) };
  const { status, summary, findings } = parsed.data;
  return { success: true, verdict: { status, summary, findings: findings.slice(0, MAX_FINDINGS) } };
}

// Below this length a fragment ("ERROR", "timeout") matches too many lines to stand for one.
const MIN_FRAGMENT_CHARS = 20;

/** A leading `[LABEL] ` or list bullet some models put before a quoted line. */
function unquote(evidence: string, labels: readonly string[]): string {
  let text = evidence.trim().replace(/^(?:[-*•]\s+|\d+[.)]\s+)/, '');
  const prefix = /^\[([A-Za-z0-9_-]{1,64})\]\s*/.exec(text);
  if (prefix?.[1] !== undefined && labels.some((label) => label.toLowerCase() === prefix[1]?.toLowerCase())) {
    text = text.slice(prefix[0].length);
  }
  return text.trim();
}

export interface EvidenceCheck {
  findings: Finding[];
  /** Evidence lines removed because no payload line contains them. */
  dropped: number;
}

/**
 * Keeps only evidence that quotes the payload, stored as the log line itself (see
 * {@link evidenceLines}: without `e.g. `, `outlier: `, `Nx LEVEL ` or ` @ time`). A quote equal to a
 * payload line, in any of those spellings, stays; a fragment of at least 20 characters is
 * replaced by the line it comes from (in the finding's label first); anything else, and the
 * marker and summary lines the renderer and the budget cut leave, is dropped and counted. Labels
 * are mapped to the monitor's spelling, or null when unknown.
 */
export function verifyEvidence(findings: readonly Finding[], payload: string, labels: readonly string[]): EvidenceCheck {
  const lines = evidenceLines(payload, labels);
  // The model read the lines with the fence neutralised: a quote may use either spelling.
  const exact = new Map<string, EvidenceLine>();
  for (const line of lines) {
    for (const text of [line.shown, line.evidence, ...line.aliases]) {
      for (const spelling of [text, neutraliseFence(text)]) if (!exact.has(spelling)) exact.set(spelling, line);
    }
  }
  const contains = (line: EvidenceLine, text: string) => line.shown.includes(text) || neutraliseFence(line.shown).includes(text);

  let dropped = 0;
  const checked = findings.map((finding) => {
    const label = labels.find((known) => known.toLowerCase() === finding.label?.toLowerCase()) ?? null;
    const evidence: string[] = [];
    for (const quote of finding.evidence) {
      const spellings = quoteSpellings(unquote(quote, labels));
      const text = spellings[spellings.length - 1] ?? '';
      const found =
        spellings.map((spelling) => exact.get(spelling)).find((line) => line !== undefined) ??
        (text.length >= MIN_FRAGMENT_CHARS
          ? (lines.find((line) => line.label === label && contains(line, text)) ?? lines.find((line) => contains(line, text)))
          : undefined);
      if (found === undefined) dropped += 1;
      else if (!evidence.includes(found.evidence)) evidence.push(found.evidence);
    }
    return { ...finding, label, evidence: evidence.slice(0, MAX_EVIDENCE_PER_FINDING) };
  });
  return { findings: checked, dropped };
}
