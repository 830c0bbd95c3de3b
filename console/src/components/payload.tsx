import type { Finding } from '../types.ts';

/** Evidence shorter than this is not looked for in the payload: it would light up lines at random. */
const MIN_EVIDENCE_CHARS = 6;

/**
 * Which findings a payload line is evidence for: the line holds the quoted evidence, or the
 * evidence holds the line's text (the model may quote a template's example with its header).
 */
export function evidenceOf(line: string, findings: Finding[]): number[] {
  const text = line.trim().replace(/^(e\.g\.|outlier:)\s+/, '');
  if (text.length < MIN_EVIDENCE_CHARS || /^\[[^\]]+\]$/.test(text)) return [];
  const hits: number[] = [];
  findings.forEach((finding, index) => {
    for (const raw of finding.evidence) {
      const evidence = raw.trim();
      if (evidence.length < MIN_EVIDENCE_CHARS) continue;
      if (text.includes(evidence) || evidence.includes(text)) {
        hits.push(index);
        return;
      }
    }
  });
  return hits;
}

type Mark = 'label' | 'new' | 'missing' | 'usual' | 'summary' | null;

/** The payload's own notation: `[LABEL]` headers, `NEW`, `MISSING:`, `[usual 3–15 a window]`, `# …` summaries. */
export function markOf(line: string): Mark {
  if (/^\[[A-Za-z0-9_-]+\]$/.test(line.trim())) return 'label';
  if (/^\s*MISSING:/.test(line)) return 'missing';
  if (/^\s*\d+x NEW\b/.test(line)) return 'new';
  if (/\[usual [^\]]+\]/.test(line)) return 'usual';
  if (/^\s*#/.test(line)) return 'summary';
  return null;
}

const MARK_TEXT: Record<Exclude<Mark, null>, string> = {
  label: 'input',
  new: 'new pattern',
  missing: 'missing pattern',
  usual: 'outside its usual range',
  summary: 'summary',
};

/**
 * The payload the model read, line by line, as it was sent: evidence lines highlighted (with the
 * finding's number), NEW / MISSING lines and usual ranges marked as the payload writes them.
 */
export function PayloadView({ payload, findings }: { payload: string; findings: Finding[] }) {
  const lines = payload.split('\n');
  let highlighted = 0;
  const rendered = lines.map((line, index) => {
    const hits = evidenceOf(line, findings);
    const mark = markOf(line);
    if (hits.length > 0) highlighted += 1;
    const classes = ['payload-line', hits.length > 0 ? 'evidence' : '', mark ? `mark-${mark}` : ''].filter(Boolean).join(' ');
    return (
      <div key={index} class={classes} data-evidence={hits.length > 0 ? hits.map((h) => h + 1).join(',') : undefined}>
        {hits.length > 0 && <span class="visually-hidden">evidence for finding {hits.map((h) => h + 1).join(', ')}: </span>}
        {mark && mark !== 'summary' && mark !== 'label' && <span class="visually-hidden">{MARK_TEXT[mark]}: </span>}
        {hits.length > 0 && (
          <span class="evidence-tag" aria-hidden="true">
            {hits.map((h) => h + 1).join(',')}
          </span>
        )}
        {line === '' ? ' ' : line}
      </div>
    );
  });
  return (
    <>
      <p class="muted">
        {lines.length} lines; {highlighted} highlighted as evidence.
      </p>
      <pre class="payload" tabIndex={0} aria-label="payload the model read">
        {rendered}
      </pre>
    </>
  );
}
