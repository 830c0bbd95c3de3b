import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ApiError, RESOURCE_PATHS, VigilClient, type Monitor, type MonitorRun, type ResourceName, type RunStatus } from './api-client.ts';
import { readStackOutputs, resolveConnection, UsageError, type ConnectionFlags } from './connection.ts';
import { parseDuration, parseSince } from './durations.ts';
import { makeStyle, renderHealth, renderRun, renderRunList, table, type Style } from './format.ts';
import { trustPolicyDocuments } from './trust-policy.ts';

/** What the CLI touches of its process, so tests run it in-process. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  now(): Date;
  sleep(ms: number): Promise<void>;
  readStdin(): Promise<string>;
  fetch?: typeof fetch;
}

/** Exit codes: a run's verdict, and 3 for an error run or any failure of the command itself. */
export const EXIT = { ok: 0, warn: 1, alert: 2, error: 3 } as const;
const EXIT_BY_STATUS: Record<string, number> = { ok: EXIT.ok, warn: EXIT.warn, alert: EXIT.alert, error: EXIT.error };
const FINAL: ReadonlySet<RunStatus> = new Set(['ok', 'warn', 'alert', 'error']);
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface GlobalOptions extends ConnectionFlags {
  json?: boolean;
}

class Cli {
  readonly style: Style;
  private exitCode = 0;

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {
    this.style = makeStyle(Boolean(io.stdout.isTTY) && io.env.NO_COLOR === undefined);
  }

  get options(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  client(): VigilClient {
    const { baseUrl, apiKey } = resolveConnection(this.options, this.io.env, this.io.cwd);
    return new VigilClient({ baseUrl, apiKey, ...(this.io.fetch && { fetch: this.io.fetch }) });
  }

  /** Prints `value` as JSON with --json, else the human text. */
  print(value: unknown, human: () => string): void {
    this.io.stdout.write(`${this.options.json ? JSON.stringify(value, null, 2) : human()}\n`);
  }

  exitWith(code: number): void {
    this.exitCode = Math.max(this.exitCode, code);
  }

  get code(): number {
    return this.exitCode;
  }

  async readJsonFile(file: string): Promise<unknown> {
    const text = file === '-' ? await this.io.readStdin() : await readFile(resolve(this.io.cwd, file), 'utf8').catch((error: Error) => {
      throw new UsageError(`cannot read ${file}: ${error.message}`);
    });
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
    }
  }

  /** A monitor by id or, failing that, by its exact name. */
  async monitor(client: VigilClient, reference: string): Promise<Monitor> {
    try {
      return await client.get<Monitor>('monitors', reference);
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 400)) throw error;
    }
    const named = (await client.listAll<Monitor>('/monitors')).filter((monitor) => monitor.name === reference);
    if (named.length === 1) return named[0] as Monitor;
    if (named.length > 1) throw new UsageError(`${named.length} monitors are named "${reference}" (${named.map((m) => m.id).join(', ')}); use an id`);
    throw new UsageError(`no monitor has the id or name "${reference}"`);
  }

  /** Polls a run until it is final and its notifications are recorded; a spinner on a terminal. */
  async waitForRun(client: VigilClient, run: MonitorRun, timeoutSeconds: number, pollMs: number): Promise<MonitorRun> {
    const deadline = this.io.now().getTime() + timeoutSeconds * 1000;
    const spin = Boolean(this.io.stderr.isTTY) && !this.options.json;
    let frame = 0;
    let current = run;
    try {
      while (!FINAL.has(current.status) || current.notifications_pending === true) {
        if (this.io.now().getTime() >= deadline) {
          throw new UsageError(`run ${run.id} is still ${current.status}${FINAL.has(current.status) ? ' (notifying)' : ''} after ${timeoutSeconds} s; see it with: vigil runs ${run.monitor_id}`);
        }
        if (spin) {
          const what = FINAL.has(current.status) ? 'notifying' : current.status;
          this.io.stderr.write(`\r${SPINNER[frame++ % SPINNER.length]} run ${run.id} ${what}…`);
        }
        await this.io.sleep(pollMs);
        current = await client.getRun(run.monitor_id, run.id);
      }
    } finally {
      if (spin) this.io.stderr.write('\r\u001b[K');
    }
    return current;
  }
}

function describeError(error: unknown): { message: string; details: { path: string; message: string }[]; code: string } {
  if (error instanceof ApiError) return { message: error.message, details: error.details, code: error.code };
  if (error instanceof UsageError || error instanceof CommanderError) return { message: error.message, details: [], code: 'usage' };
  return { message: error instanceof Error ? error.message : String(error), details: [], code: 'internal' };
}

const SINGULAR: Record<ResourceName, string> = { targets: 'target', sources: 'log source', monitors: 'monitor' };

function listRows(resource: ResourceName, items: Record<string, unknown>[], style: Style): string[][] {
  switch (resource) {
    case 'targets':
      return [['ID', 'NAME', 'TYPE'], ...items.map((t) => [String(t.id), String(t.name), String(t.type)])];
    case 'sources':
      return [['ID', 'NAME', 'MODE', 'TARGET'], ...items.map((s) => [String(s.id), String(s.name), String(s.mode), String(s.target_id)])];
    case 'monitors':
      return [
        ['ID', 'NAME', 'SCHEDULE', 'ENABLED', 'NEXT RUN', 'LAST RUN'],
        ...(items as Monitor[]).map((m) => [
          m.id,
          m.name,
          m.schedule ?? `every ${m.interval_seconds} s`,
          m.enabled ? (m.snoozed_until && m.snoozed_until > new Date().toISOString() ? `snoozed until ${m.snoozed_until}` : 'yes') : 'no',
          m.next_run_at ?? '-',
          m.last_run ? style.status(m.last_run.status) : '-',
        ]),
      ];
  }
}

function addResourceCommands(program: Command, cli: () => Cli): void {
  for (const resource of Object.keys(RESOURCE_PATHS) as ResourceName[]) {
    const noun = SINGULAR[resource];
    const group = program.command(resource).description(`${noun}s: list, get, create, update, delete`);
    group
      .command('list')
      .description(`list every ${noun}`)
      .action(async () => {
        const c = cli();
        const items = await c.client().listAll<Record<string, unknown>>(RESOURCE_PATHS[resource]);
        c.print(items, () => (items.length === 0 ? `no ${noun}s` : table(listRows(resource, items, c.style))));
      });
    group
      .command('get <id>')
      .description(`show one ${noun}`)
      .action(async (id: string) => {
        const c = cli();
        const item = resource === 'monitors' ? await c.monitor(c.client(), id) : await c.client().get(resource, id);
        c.print(item, () => JSON.stringify(item, null, 2));
      });
    group
      .command('create')
      .description(`create a ${noun} from a JSON file (- reads stdin)`)
      .requiredOption('-f, --file <file>', 'the JSON body')
      .action(async (options: { file: string }) => {
        const c = cli();
        const created = await c.client().create<Record<string, unknown>>(resource, await c.readJsonFile(options.file));
        c.print(created, () => `created ${noun} ${String(created.id)} "${String(created.name)}"`);
      });
    group
      .command('update <id>')
      .description(`change a ${noun}: the file holds only the fields to change`)
      .requiredOption('-f, --file <file>', 'the JSON fields (- reads stdin)')
      .action(async (id: string, options: { file: string }) => {
        const c = cli();
        const updated = await c.client().update<Record<string, unknown>>(resource, id, await c.readJsonFile(options.file));
        c.print(updated, () => `updated ${noun} ${String(updated.id)} "${String(updated.name)}"`);
      });
    group
      .command('delete <id>')
      .description(`delete a ${noun}${resource === 'monitors' ? ' and its runs' : ''}`)
      .action(async (id: string) => {
        const c = cli();
        await c.client().delete(resource, id);
        c.print({ deleted: id }, () => `deleted ${noun} ${id}`);
      });
    if (resource === 'sources') {
      group
        .command('test <id>')
        .description('read the source once and show a sample')
        .action(async (id: string) => {
          const c = cli();
          const result = await c.client().testSource<{ ok: boolean; message: string; sample: string[]; line_count: number }>(id);
          c.print(result, () =>
            [`${result.ok ? c.style.status('ok') : c.style.status('failed')} ${result.message}`, ...result.sample.map((line) => `  ${line}`)].join('\n'),
          );
          if (!result.ok) c.exitWith(EXIT.error);
        });
    }
    if (resource === 'monitors') {
      group
        .command('preview')
        .description('collect and judge a monitor body once, without saving it or notifying anyone')
        .requiredOption('-f, --file <file>', 'the monitor JSON (- reads stdin)')
        .action(async (options: { file: string }) => {
          const c = cli();
          const body = await c.readJsonFile(options.file);
          const run = await c.client().preview(body);
          const name = typeof (body as { name?: unknown }).name === 'string' ? (body as { name: string }).name : 'preview';
          c.print(run, () => renderRun(run, name, c.style));
          c.exitWith(EXIT_BY_STATUS[run.status] ?? EXIT.error);
        });
    }
  }
}

function buildProgram(io: CliIo, holder: { cli?: Cli }): Command {
  const program = new Command('vigil')
    .description('Vigil management API from the command line')
    .addOption(new Option('--api-url <url>', 'API base URL (env VIGIL_API_URL; else ApiUrl of the CDK outputs file)'))
    .addOption(new Option('--api-key <key>', 'API key sent as x-api-key (env VIGIL_API_KEY)'))
    .addOption(new Option('--outputs <file>', 'CDK outputs file from "cdk deploy --outputs-file" (env VIGIL_OUTPUTS_FILE; default ./cdk-outputs.json)'))
    .option('--json', 'print JSON instead of text')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  const cli = () => holder.cli as Cli;
  addResourceCommands(program, cli);

  program
    .command('run <monitor>')
    .description('run a monitor now (by id or name); with --wait, print the verdict; exit 0 ok, 1 warn, 2 alert, 3 error')
    .option('--wait', 'wait for the verdict and the notifications')
    .option('--timeout <seconds>', 'give up waiting after this long', '300')
    .addOption(new Option('--poll-ms <ms>', 'time between polls').default('500').hideHelp())
    .action(async (reference: string, options: { wait?: boolean; timeout: string; pollMs: string }) => {
      const c = cli();
      const client = c.client();
      const monitor = await c.monitor(client, reference);
      const queued = await client.runOnce(monitor.id);
      if (!options.wait) {
        c.print(queued, () => `queued run ${queued.id} of ${monitor.name}; follow it with: vigil run ${monitor.id} --wait, or vigil runs ${monitor.id}`);
        return;
      }
      const run = await c.waitForRun(client, queued, Number(options.timeout), Number(options.pollMs));
      c.print(run, () => renderRun(run, monitor.name, c.style));
      c.exitWith(EXIT_BY_STATUS[run.status] ?? EXIT.error);
    });

  program
    .command('runs [monitor]')
    .description("a monitor's runs (by id or name), or every monitor's; newest first")
    .option('--status <status>', 'only runs with this status (ok, warn, alert, error, queued, running)')
    .option('--since <when>', 'only runs created since: a duration ago (24h, 7d) or an RFC 3339 time')
    .option('--until <when>', 'only runs created before: a duration ago or an RFC 3339 time')
    .option('--limit <n>', 'at most this many runs', '20')
    .action(async (reference: string | undefined, options: { status?: string; since?: string; until?: string; limit: string }) => {
      const c = cli();
      const client = c.client();
      const monitorId = reference === undefined ? undefined : (await c.monitor(client, reference)).id;
      const now = c.io.now();
      const page = await client.listRuns(monitorId, {
        status: options.status,
        since: options.since === undefined ? undefined : parseSince(options.since, '--since', now),
        until: options.until === undefined ? undefined : parseSince(options.until, '--until', now),
        limit: options.limit,
      });
      c.print(page, () => renderRunList(page.items, c.style) + (page.next_token ? c.style.dim('\n(more: raise --limit)') : ''));
    });

  program
    .command('snooze <monitor> <duration>')
    .description('suppress notifications of a monitor (by id or name) for a while: 30m, 2h, 1d; "off" ends it. Runs go on')
    .action(async (reference: string, duration: string) => {
      const c = cli();
      const client = c.client();
      const monitor = await c.monitor(client, reference);
      const until = duration === 'off' ? null : new Date(c.io.now().getTime() + parseDuration(duration, 'duration')).toISOString();
      const updated = await client.update<Monitor>('monitors', monitor.id, { snoozed_until: until });
      c.print(updated, () => (until === null ? `${monitor.name} is no longer snoozed` : `${monitor.name} snoozed until ${updated.snoozed_until ?? until}`));
    });

  program
    .command('health')
    .description("the API's health: exit 0 ok, 1 degraded, 3 down")
    .action(async () => {
      const c = cli();
      const report = await c.client().health();
      c.print(report, () => renderHealth(report, c.style));
      c.exitWith(report.status === 'ok' ? EXIT.ok : report.status === 'degraded' ? EXIT.warn : EXIT.error);
    });

  program
    .command('trust-policy')
    .description("the trust and permission policy of the role a monitored account creates for Vigil (role ARNs from the CDK outputs file)")
    .requiredOption('--account <id>', 'the monitored AWS account id')
    .option('--external-id <id>', 'require this external id (set the same on the target)')
    .action((options: { account: string; externalId?: string }) => {
      const c = cli();
      const outputs = readStackOutputs(c.options, c.io.env, c.io.cwd);
      if (outputs === null) throw new UsageError('trust-policy reads the role ARNs from the CDK outputs file: run "cdk deploy --all --outputs-file cdk-outputs.json" and pass --outputs or run beside it');
      const documents = trustPolicyDocuments(outputs, options.account, options.externalId);
      c.print(documents, () =>
        [
          c.style.bold(`# Trust policy of the role in account ${options.account}`),
          JSON.stringify(documents.trust_policy, null, 2),
          '',
          c.style.bold('# Its permission policy'),
          JSON.stringify(documents.permission_policy, null, 2),
        ].join('\n'),
      );
    });
  return program;
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const holder: { cli?: Cli } = {};
  const program = buildProgram(io, holder);
  const cli = new Cli(io, program);
  holder.cli = cli;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return cli.code;
  } catch (error) {
    // --help and --version end through exitOverride too, with code 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT.error;
    const { message, details, code } = describeError(error);
    const lines = [`error: ${message}`, ...details.map((detail) => `  ${detail.path}: ${detail.message}`)];
    io.stderr.write(`${lines.join('\n')}\n`);
    if (program.opts<GlobalOptions>().json) io.stdout.write(`${JSON.stringify({ error: { code, message, details } }, null, 2)}\n`);
    return EXIT.error;
  }
}
