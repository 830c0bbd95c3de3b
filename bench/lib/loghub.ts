/**
 * Reads a Loghub-style folder: per system `X.log` (raw lines) beside `X.log_structured.csv`
 * (`LineId`, `Content`, `EventId`, optionally `Label`). Line N of the raw file is `LineId` N.
 * When `X.log_structured_corrected.csv` is there too, its `EventTemplate` is each line's corrected
 * ground-truth template (for parsing accuracy).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvRecords } from './csv.ts';

/** One line of a system: raw text, message (`Content`), ground-truth event and alert label. */
export interface LoghubLine {
  readonly raw: string;
  readonly content: string;
  readonly event: string;
  /** `Label` column when there is one: `-` for a normal line, anything else is an alert. */
  readonly label: string | undefined;
  /** The corrected ground-truth template, when the folder has the `_corrected` CSV. */
  readonly template?: string;
}

export interface LoghubSystem {
  /** `BGL` for `BGL_2k.log`. */
  readonly name: string;
  readonly lines: readonly LoghubLine[];
  /** Whether some line carries an alert label. */
  readonly hasAlerts: boolean;
  /** The path of the raw `.log` file, for the end-to-end measurement (empty when joined from text). */
  readonly logFile: string;
}

const STRUCTURED = '.log_structured.csv';
const CORRECTED = '.log_structured_corrected.csv';

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

/** Joins raw lines, structured records and (optionally) corrected templates by LineId. */
export function joinSystem(name: string, rawText: string, csvText: string, correctedText?: string, logFile = ''): LoghubSystem {
  const raw = splitLines(rawText);
  const corrected = new Map<number, string>();
  if (correctedText !== undefined) {
    parseCsvRecords(correctedText).forEach((record, index) => corrected.set(Number(record.LineId ?? index + 1), record.EventTemplate ?? ''));
  }
  const lines: LoghubLine[] = parseCsvRecords(csvText).map((record, index) => {
    const lineId = Number(record.LineId ?? index + 1);
    const template = corrected.get(lineId);
    return {
      raw: raw[lineId - 1] ?? '',
      content: record.Content ?? '',
      event: record.EventId ?? '',
      label: record.Label,
      ...(template === undefined ? {} : { template }),
    };
  });
  return { name: name.replace(/_2k$/, ''), lines, hasAlerts: lines.some((line) => line.label !== undefined && line.label !== '-'), logFile };
}

/** Loads one system (`base` is the file name without `.log`). */
export function loadSystem(dir: string, base: string): LoghubSystem {
  const correctedFile = join(dir, `${base}${CORRECTED}`);
  const logFile = join(dir, `${base}.log`);
  const corrected = existsSync(correctedFile) ? readFileSync(correctedFile, 'utf8') : undefined;
  return joinSystem(base, readFileSync(logFile, 'utf8'), readFileSync(join(dir, `${base}${STRUCTURED}`), 'utf8'), corrected, logFile);
}
