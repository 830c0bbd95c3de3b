/**
 * Template coverage of a rendered payload: the share of ground-truth events (EventIds) of which
 * the payload shows something. An event is covered when one of its lines is in the payload
 * verbatim, or the mined template that line was grouped into is among the templates rendered.
 */

/** What a rendered payload holds, as far as coverage is concerned. */
export interface ShownPayload {
  readonly text: string;
  readonly templateIds: readonly string[];
}

/** One raw line with its ground-truth event and the id of the template it was mined into. */
export interface LabelledLine {
  readonly text: string;
  readonly event: string;
  readonly templateId: string | undefined;
}

/**
 * The share of events among `lines` (those `include` keeps) that the payload covers; 1 when no
 * line is included. A line is shown verbatim only when its whole text is in the payload.
 */
export function eventCoverage(payload: ShownPayload, lines: readonly LabelledLine[], include: (line: LabelledLine) => boolean = () => true): number {
  const shownIds = new Set(payload.templateIds);
  const wanted = new Set<string>();
  const covered = new Set<string>();
  for (const line of lines) {
    if (!include(line)) continue;
    wanted.add(line.event);
    if (covered.has(line.event)) continue;
    const byTemplate = line.templateId !== undefined && shownIds.has(line.templateId);
    if (byTemplate || (line.text.length > 0 && payload.text.includes(line.text))) covered.add(line.event);
  }
  return wanted.size === 0 ? 1 : covered.size / wanted.size;
}
