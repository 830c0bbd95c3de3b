/**
 * Adversarial log lines for the linearity of masking, header splitting and redaction: long runs
 * of one short unit (separators, dots, colons, digits, quotes, the first characters of every
 * pattern we look for), each with endings that wake the slower paths (a clock time, a `://`).
 */

/** Units repeated to fill a line: each one is the prefix of something a pattern looks for. */
export const ADVERSARIAL_UNITS: readonly string[] = [
  ...'=:,;()[]{}"\'<>|./\\-_+@#%&*!?~ \t',
  '1', '1.', '1:', '1,', '1-', '12:34 ', '12:34:56.', 'a.', 'a-', 'a+', 'a:', 'a_', 'a1.', 'a=', 'a@', 'a:b@',
  '://', 'a://', 'http://', 'x://a:', 'Jan ', 'Jan 1 ', 'Mon, ', 'Mon Jan 1 ', '2015-10-18 ', '2015-10-18T10:00',
  '"a":', '\\"', '\\n', 'key=', 'password=', 'password ', 'token: ', 'secret ', 'credential ', 'eyJ', 'eyJa.',
  '-----BEGIN PRIVATE KEY----- ', '-----BEGIN RSA PRIVATE KEY-----\\n', 'AKIA', 'Bearer ', 'Basic ', 'ghp_', 'xoxb-',
  'sk_live_', 'glpat-', 'AAAA', 'aB3/', 'aB3+', '0x', 'ff', '<*>', 'ERROR ', '[INFO] ', 'level=', '⏎', '…',
];

/** Endings appended to the runs: nothing, a clock time, a URL scheme separator, a secret word. */
export const ADVERSARIAL_ENDINGS: readonly string[] = ['', ' 10:00', '://x', ' password is x'];

export interface AdversarialLine {
  /** Which unit and ending, for reports. */
  readonly name: string;
  readonly text: string;
}

/** One line per unit and ending, each `length` characters of the unit followed by the ending. */
export function adversarialLines(length = 64 * 1024): AdversarialLine[] {
  const lines: AdversarialLine[] = [];
  for (const unit of ADVERSARIAL_UNITS) {
    const run = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    for (const ending of ADVERSARIAL_ENDINGS) lines.push({ name: JSON.stringify(unit) + (ending === '' ? '' : ` + ${JSON.stringify(ending)}`), text: run + ending });
  }
  return lines;
}
