/**
 * A run's use of its monitor's baselines: classify each label's templates while the payload is
 * rendered, then record the run's templates, once per run.
 */
import { baselineBefore, classifyLabel } from './classify.ts';
import { baselineNotation, type BaselineNotation } from './notation.ts';
import type { BaselineRepository } from './ports.ts';
import { recordRun } from './record.ts';
import type { BaselineOptions, LabelBaseline, LabelClassification, ObservedTemplate } from './types.ts';

interface Observed {
  templates: readonly ObservedTemplate[];
  classification: LabelClassification;
}

export class RunBaselines {
  private readonly observed = new Map<string, Observed>();

  private constructor(
    private readonly repository: BaselineRepository,
    private readonly monitorId: string,
    private readonly runId: string,
    private readonly stored: Map<string, LabelBaseline>,
    private readonly options: BaselineOptions,
  ) {}

  /** Reads the monitor's baselines for one run. */
  static async open(repository: BaselineRepository, monitorId: string, runId: string, options: BaselineOptions = {}): Promise<RunBaselines> {
    return new RunBaselines(repository, monitorId, runId, await repository.load(monitorId), options);
  }

  /**
   * Classifies a label's window (every template mined from it) against the label's baseline as
   * it was before this run, remembers it for {@link record}, and returns the notation to render.
   */
  annotate(label: string, templates: readonly ObservedTemplate[]): BaselineNotation {
    const classification = classifyLabel(templates, baselineBefore(this.stored.get(label) ?? null, this.runId), this.options);
    this.observed.set(label, { templates, classification });
    return baselineNotation(classification);
  }

  /** The classification of a label annotated in this run. */
  classification(label: string): LabelClassification | undefined {
    return this.observed.get(label)?.classification;
  }

  /**
   * Whether every label is usual: read without error, compared with a baseline past its
   * learning phase, nothing new, missing or outside its usual range. A label that was not
   * compared (its input failed, or it was not shown as templates) is not usual.
   */
  usual(labels: readonly string[]): boolean {
    return labels.length > 0 && labels.every((label) => this.observed.get(label)?.classification.usual === true);
  }

  /** Adds this run's templates to the baseline of every label that was compared; a redelivery adds nothing. */
  async record(at: string): Promise<void> {
    for (const [label, { templates }] of this.observed) {
      await this.repository.update(this.monitorId, label, (current) =>
        recordRun(current, { label, runId: this.runId, at, templates }),
      );
    }
  }
}
