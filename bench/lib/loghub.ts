/**
 * Reads a Loghub-style folder: per system `X.log` (raw lines) beside `X.log_structured.csv`
 * (`LineId`, `Content`, `EventId`, optionally `Label`). Line N of the raw file is `LineId` N.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvRecords } from './csv.ts';

/** One line of a system: raw text, message (`Content`), ground-truth event and alert label. */
export interface LoghubLine {
  readonly raw: string;
  readonly content: string;
  readonly event: string;
  /** `Label` column when there is one: `-` for a normal line, anything else is an alert. */
  readonly label: string | undefined;
}

export interface LoghubSystem {
  /** `BGL` for `BGL_2k.log`. */
  readonly name: string;
  readonly lines: readonly LoghubLine[];
  /** Whether some line carries an alert label. */
  readonly hasAlerts: boolean;
}

const STRUCTURED = '.log_structured.csv';

/** Splits file text into lines, accepting LF and CRLF, without a trailing empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The system names of a folder: every `X.log_structured.csv` that has its `X.log`. */
export function findSystems(dir: string): string[] {
  const files = new Set(readdirSync(dir));
  return [...files]
    .filter((file) => file.endsWith(STRUCTURED) && files.has(file.slice(0, -STRUCTURED.length) + '.log'))
    .map((file) => file.slice(0, -STRUCTURED.length))
    .sort((a, b) => a.localeCompare(b));
}

/** Joins raw lines and structured records by LineId. */
export function joinSystem(name: string, rawText: string, csvText: string): LoghubSystem {
  const raw = splitLines(rawText);
  const lines: LoghubLine[] = parseCsvRecords(csvText).map((record, index) => {
    const lineId = Number(record.LineId ?? index + 1);
    return {
      raw: raw[lineId - 1] ?? '',
      content: record.Content ?? '',
      event: record.EventId ?? '',
      label: record.Label,
    };
  });
  return { name: name.replace(/_2k$/, ''), lines, hasAlerts: lines.some((line) => line.label !== undefined && line.label !== '-') };
}

/** Loads one system (`base` is the file name without `.log`). */
export function loadSystem(dir: string, base: string): LoghubSystem {
  return joinSystem(base, readFileSync(join(dir, `${base}.log`), 'utf8'), readFileSync(join(dir, `${base}${STRUCTURED}`), 'utf8'));
}
