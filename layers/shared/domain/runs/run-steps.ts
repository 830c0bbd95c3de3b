import type { LogSource, MonitorRun, Target } from '../model/entities.ts';
import { RunBaselines, type BaselineOptions, type BaselineRepository } from '../baseline/index.ts';
import { collectInputs } from '../collect/collect-inputs.ts';
import { buildPayload } from '../collect/payload.ts';
import type { SourceReaders } from '../collect/ports.ts';
import type { CollectedLine } from '../collect/types.ts';
import { withTables } from '../collect/table.ts';
import { formatLine, type WindowRenderer } from '../collect/window.ts';
import { judgeRun } from '../judge/judge-run.ts';
import { evaluateCostRules } from '../numbers/cost-rules.ts';
import { sendCostDigest } from '../numbers/run-digest.ts';
import { withDominantTemplates } from '../judge/rules.ts';
import type { Judge, JudgeMetrics, PreviousVerdict } from '../judge/ports.ts';
import type { PriceTable } from '../judge/prices.ts';
import type { NotificationChannels } from '../notify/channels.ts';
import { notifyRun } from '../notify/notify-run.ts';
import type { DeliveryRetryPolicy } from '../notify/retry.ts';
import { redactWindowLines } from '../judge/redact-lines.ts';
import { maskLine, parseLine, renderWindow, templateId } from '../shrink/index.ts';
import { referencedLogSourceIds } from '../monitors/monitor-references.ts';
import type { Clock } from '../model/ports.ts';
import type { LogSourceRepository } from '../log-sources/ports.ts';
import type { MonitorRepository } from '../monitors/ports.ts';
import type { TargetRepository } from '../targets/ports.ts';
import type { RunSteps } from './execute-run.ts';
import { expectedTemplatesOf, withExpectedNotes } from '../feedback/expected.ts';
import { guidanceLines } from '../feedback/guidance.ts';
import type { FeedbackRepository } from '../feedback/ports.ts';
import { GUIDANCE_FEEDBACK } from '../feedback/types.ts';

/** What collecting and judging need (the runner's steps and the preview's). */
export interface CollectJudgeDeps {
  logSources: Pick<LogSourceRepository, 'getMany'>;
  targets: Pick<TargetRepository, 'get'>;
  readers: SourceReaders;
  judge: Judge;
  judgeMetrics: JudgeMetrics;
  prices?: PriceTable;
  clock: Clock;
  /** The stack's model when a monitor names none. */
  defaultModelId: string;
  /** Input tokens a model call may carry. */
  maxInputTokens: number;
  /** Inputs read at the same time. */
  collectConcurrency: number;
  /** Hours between cost snapshots (the stack's schedule). */
  costCollectorHours: number;
  /** The monitors' baselines (templates mode marks `NEW`, usual ranges, `MISSING`); none: no marks. */
  baselines?: BaselineRepository;
  baselineOptions?: BaselineOptions;
  /** Operators' feedback: guidance for the model and templates marked expected; none: neither. */
  feedback?: Pick<FeedbackRepository, 'recent'>;
}

export interface RunStepsDeps extends CollectJudgeDeps {
  monitors: Pick<MonitorRepository, 'get' | 'swapAlertState'>;
  channels: NotificationChannels;
  notifyRetry: DeliveryRetryPolicy;
  /** The management API's base URL, for links in notifications. */
  apiBaseUrl: string;
}

/**
 * `templates` mode summarises every pattern (the template miner); `raw` keeps the newest lines.
 * Secrets are redacted line by line before mining, so no template, example or outlier holds
 * one, and none is cut in half where the renderer clips a line (see redactWindowLines).
 * Structured inputs (`cost`, Insights rows with named values) are tables in either mode; their
 * cells are redacted with the whole payload by the judge.
 */
export const renderInputWindow: WindowRenderer = withTables((lines, options) => renderWindow(redactWindowLines(lines, toWindowLine), options));

function toWindowLine(line: CollectedLine) {
  const text = line.origin ? `[${line.origin}] ${line.text}` : line.text;
  return line.timestamp ? { text, timestamp: line.timestamp } : { text };
}

/**
 * A line's masked-line id: the masked body of the line, hashed, with no template miner involved
 * (unlike a mined template's id, `templateId` of shrink/drain.ts, which depends on what else the
 * miner saw). Lines that differ only in their variables (ids, numbers, times) share it, run after
 * run, which is what an alert fingerprint needs.
 */
export function maskedLineId(line: string): string {
  return templateId(maskLine(parseLine(line).body));
}

function previousVerdict(run: MonitorRun | null): PreviousVerdict | null {
  if (!run || run.status === 'queued' || run.status === 'running') return null;
  return { payloadHash: run.payloadHash, status: run.status, summary: run.summary, findings: run.findings, finishedAt: run.finishedAt };
}

/**
 * The three stages of a run, composed from the collect, shrink, judge and notify modules:
 * collection reads every input within the deadline and builds the labeled payload; the judge
 * counts the rules over every line read (not the shrunk window, where one template stands for
 * many lines) and asks the model; notification re-reads the monitor so the alert-state swap
 * compares against the freshest state.
 */
export function createCollectJudgeSteps(deps: CollectJudgeDeps): Pick<RunSteps, 'collect' | 'judge'> {
  return {
    async collect(monitor, deadline, run) {
      const sources = await deps.logSources.getMany(referencedLogSourceIds(monitor));
      const targets = new Map<string, Target>();
      for (const targetId of new Set([...sources.values()].map((source: LogSource) => source.targetId))) {
        const target = await deps.targets.get(targetId);
        if (target) targets.set(targetId, target);
      }
      const collected = await collectInputs(monitor, sources, targets, {
        readers: deps.readers,
        clock: deps.clock,
        deadline,
        concurrency: deps.collectConcurrency,
        costCollectorHours: deps.costCollectorHours,
      });
      const baselines =
        deps.baselines && run && monitor.windowConfig.mode === 'templates'
          ? await RunBaselines.open(deps.baselines, monitor.id, run.id, deps.baselineOptions)
          : undefined;
      // Baselines compare templates of free-text logs; cost lines and Insights rows (often `stats`
      // results) carry their meaning in numbers a template hides, so they are never called usual.
      const freeTextLabels = new Set(monitor.inputs.filter((input) => input.mode === 'filter' || input.mode === 'tail').map((input) => input.label));
      const feedback = deps.feedback ? await deps.feedback.recent(monitor.id, GUIDANCE_FEEDBACK) : [];
      const expected = expectedTemplatesOf(feedback);
      const render: WindowRenderer =
        baselines || expected.length > 0
          ? (lines, options) => {
              const { label } = options;
              if (label === undefined || !freeTextLabels.has(label)) return renderInputWindow(lines, options);
              return renderInputWindow(lines, {
                ...options,
                annotate: (templates) => withExpectedNotes(baselines?.annotate(label, templates), expected, label) ?? {},
              });
            }
          : renderInputWindow;
      const payload = buildPayload(collected, monitor.windowConfig, render);
      await baselines?.record(deps.clock.now().toISOString());
      const inputs = { ...payload.inputs };
      for (const input of collected) {
        const stats = inputs[input.label];
        if (stats && input.notes.length > 0) inputs[input.label] = { ...stats, notes: input.notes };
      }
      return {
        text: payload.text,
        inputs,
        linesByLabel: new Map(collected.map((input) => [input.label, input.lines.map(formatLine)])),
        seriesByLabel: new Map(collected.flatMap((input) => (input.series === undefined ? [] : [[input.label, input.series]]))),
        ...(baselines && { usual: baselines.usual(collected.map((input) => input.label)) }),
        feedback,
        costSnapshots: new Map(collected.filter((input) => input.mode === 'cost').map((input) => [input.label, input.costSnapshot ?? null])),
      };
    },

    async judge(monitor, payload, previous, deadline) {
      const judged = await judgeRun(
        {
          monitorName: monitor.name,
          prompt: monitor.prompt,
          rules: monitor.rules,
          metricRules: monitor.metricRules ?? [],
          ...(payload.seriesByLabel !== undefined && { seriesByLabel: payload.seriesByLabel }),
          // Computed from the snapshots, not the lines; a rule in another unit than its snapshot throws: an `error` run.
          numberRuleResults: evaluateCostRules(monitor.costRules ?? [], payload.costSnapshots ?? new Map()),
          modelId: monitor.model.modelId ?? deps.defaultModelId,
          payload: payload.text,
          inputs: payload.inputs,
          linesByLabel: payload.linesByLabel,
          noDataStatus: monitor.noDataStatus ?? 'ok',
          previousRun: previousVerdict(previous),
          guidance: guidanceLines(payload.feedback ?? []),
          expected: expectedTemplatesOf(payload.feedback ?? []),
          skipWhenUsual: monitor.judgeWhen === 'unusual' && payload.usual === true,
          maxInputTokens: deps.maxInputTokens,
          deadline,
        },
        { judge: deps.judge, metrics: deps.judgeMetrics, ...(deps.prices && { prices: deps.prices }) },
      );
      return { ...judged, rules: withDominantTemplates(judged.rules, payload.linesByLabel, maskedLineId) };
    },
  };
}

/** The runner's steps: collecting and judging, then the digest and notification. */
export function createRunSteps(deps: RunStepsDeps): RunSteps {
  return {
    ...createCollectJudgeSteps(deps),

    digest(monitor, run) {
      return sendCostDigest(monitor, run, {
        logSources: deps.logSources,
        costSnapshots: deps.readers.costSnapshots,
        channels: deps.channels,
        retry: deps.notifyRetry,
        apiBaseUrl: deps.apiBaseUrl,
      });
    },

    async notify(run, monitor) {
      const fresh = (await deps.monitors.get(monitor.id)) ?? monitor;
      return notifyRun(run, fresh, {
        monitors: deps.monitors,
        channels: deps.channels,
        clock: deps.clock,
        apiBaseUrl: deps.apiBaseUrl,
        retry: deps.notifyRetry,
        maskedLineIdOf: maskedLineId,
      });
    },
  };
}
