/**
 * Worst-case time of masking, header splitting and redaction on adversarial lines.
 *
 *   npm run bench:masking -- [--json] [--kb N]
 *
 * Every line is N KB (default 64) of one repeated unit (see bench/lib/adversarial.ts); each
 * function runs on each line three times and the fastest of the three counts (the others measure
 * the machine's load and the garbage collector). Prints the slowest line per function and overall.
 */
import { redactSecrets } from '#domain/judge/redact.ts';
import { maskLine, parseLine } from '#domain/shrink/index.ts';
import { adversarialLines } from './lib/adversarial.ts';

const FUNCTIONS: Record<string, (line: string) => unknown> = {
  mask: maskLine,
  header: parseLine,
  redact: redactSecrets,
};

interface Worst {
  readonly function: string;
  readonly line: string;
  readonly ms: number;
}

function parseArgs(argv: readonly string[]): { json: boolean; kb: number } {
  let json = false;
  let kb = 64;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--kb') kb = Math.max(1, Number(argv[++i] ?? kb));
    else throw new Error(`unknown option ${arg} (use [--json] [--kb N])`);
  }
  return { json, kb };
}

const { json, kb } = parseArgs(process.argv.slice(2));
const lines = adversarialLines(kb * 1024);
const worst: Worst[] = [];
for (const [name, fn] of Object.entries(FUNCTIONS)) {
  let slowest: Worst = { function: name, line: '', ms: 0 };
  for (const line of lines) {
    let ms = Infinity;
    for (let rep = 0; rep < 3; rep += 1) {
      const started = performance.now();
      fn(line.text);
      ms = Math.min(ms, performance.now() - started);
    }
    if (ms > slowest.ms) slowest = { function: name, line: line.name, ms };
  }
  worst.push(slowest);
}
const overall = worst.reduce((a, b) => (b.ms > a.ms ? b : a));
const round = (worstCase: Worst) => ({ ...worstCase, ms: Math.round(worstCase.ms * 10) / 10 });
if (json) {
  console.log(JSON.stringify({ lines: lines.length, line_chars: kb * 1024, worst: round(overall), per_function: worst.map(round) }, null, 2));
} else {
  console.log(`${lines.length} adversarial lines of ${kb} KB`);
  for (const entry of worst) console.log(`${entry.function.padEnd(7)} worst ${entry.ms.toFixed(1)} ms on ${entry.line}`);
  console.log(`worst overall: ${overall.ms.toFixed(1)} ms (${overall.function}, ${overall.line})`);
}
