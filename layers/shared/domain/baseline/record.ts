/**
 * Adding one run's templates to a label's baseline: a pure function, so the store can apply it
 * again on a fresh copy after a concurrent write, and a redelivered run changes nothing.
 */
import { matchTemplates } from './classify.ts';
import { keptTemplateText } from './match.ts';
import { HISTORY_RUNS, MAX_TEMPLATE_CHARS, MAX_TEMPLATES, type BaselineTemplate, type LabelBaseline, type ObservedTemplate } from './types.ts';

/** One run's view of a label. */
export interface RunObservation {
  label: string;
  runId: string;
  /** When the run ran (ISO): the templates' first and last seen. */
  at: string;
  /** Every template mined from the label's window (not only those shown); empty for an empty window. */
  templates: readonly ObservedTemplate[];
}

const byLastSeenThenVolume = (a: BaselineTemplate, b: BaselineTemplate): number =>
  (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0) ||
  b.counts.reduce((s, c) => s + c, 0) - a.counts.reduce((s, c) => s + c, 0) ||
  (a.id < b.id ? -1 : 1);

/**
 * The baseline with `run` added, or null when there is nothing to change: the run is already
 * recorded (a redelivery), or it is older than every remembered run of a full history. Current
 * templates count towards the baseline templates they match (by id, else by a compatible text);
 * the rest become new baseline templates. Then the oldest run beyond {@link HISTORY_RUNS} is
 * dropped and, beyond {@link MAX_TEMPLATES}, the least recently seen templates.
 */
export function recordRun(baseline: LabelBaseline | null, run: RunObservation): LabelBaseline | null {
  const base: LabelBaseline = baseline ?? { label: run.label, runs: [], runsRecorded: 0, templates: [], version: 0 };
  if (base.runs.includes(run.runId)) return null;
  // Runs are kept in id order (ids sort by time); a late run goes in its place.
  const index = base.runs.findIndex((id) => id > run.runId);
  const at = index < 0 ? base.runs.length : index;
  if (at === 0 && base.runs.length >= HISTORY_RUNS) return null;

  const templates = base.templates.map((t) => ({ ...t, counts: [...t.counts.slice(0, at), 0, ...t.counts.slice(at)] }));
  const byId = new Map(templates.map((t) => [t.id, t]));
  const matches = matchTemplates(run.templates, templates);
  const seen = (t: BaselineTemplate, count: number) => {
    t.counts[at] = (t.counts[at] ?? 0) + count;
    if (run.at > t.lastSeen) t.lastSeen = run.at;
    if (run.at < t.firstSeen) t.firstSeen = run.at;
  };
  for (const current of run.templates) {
    if (current.count <= 0) continue;
    // With several compatible ones, the lines count once, towards the most recently seen.
    const target = matches.get(current.id)?.slice().sort(byLastSeenThenVolume)[0];
    if (target !== undefined) {
      seen(byId.get(target.id) ?? target, current.count);
      continue;
    }
    const added: BaselineTemplate = {
      id: current.id,
      template: keptTemplateText(current.template, MAX_TEMPLATE_CHARS),
      level: current.level ?? null,
      firstSeen: run.at,
      lastSeen: run.at,
      firstRunId: run.runId,
      counts: base.runs.map(() => 0),
    };
    added.counts.splice(at, 0, current.count);
    templates.push(added);
    byId.set(added.id, added);
  }

  const runs = [...base.runs.slice(0, at), run.runId, ...base.runs.slice(at)];
  const drop = Math.max(0, runs.length - HISTORY_RUNS);
  const kept = templates.map((t) => ({ ...t, counts: t.counts.slice(drop) })).sort(byLastSeenThenVolume).slice(0, MAX_TEMPLATES);
  return {
    label: base.label,
    runs: runs.slice(drop),
    runsRecorded: base.runsRecorded + 1,
    templates: kept,
    version: base.version,
  };
}
