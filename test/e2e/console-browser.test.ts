import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCostSnapshotRepository } from '#adapters/dynamo/cost-snapshot-repository.ts';
import { ensureConsoleBuilt } from '../../console/build.ts';
import { LOCAL_API_KEY, LocalHarness } from '../support/local-harness.ts';

// The web console in real headless Chromium (Debian's `chromium`, which .ci/run installs) against
// local mode: forms with the API's validation errors, a run with its evidence highlighted,
// snooze, the costs page, axe-core on every page, 375 px wide, and no request to another host.

/** Debian's package; VIGIL_CHROMIUM names another binary. Missing, the test fails (never skips). */
const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts/console');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const local = new LocalHarness('console');
const consoleDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-console-dist-'));
const logFile = join(local.logDir, 'app.log');
let browser: Browser;
let base: string;
/** Every URL the pages asked for. */
const requested: string[] = [];
/** Console errors the pages printed (a CSP violation would be one). */
const pageErrors: string[] = [];

function writeLog(): void {
  const lines = Array.from({ length: 60 }, (_, i) => {
    const at = new Date(Date.UTC(2026, 10, 27, 9, 0, i)).toISOString();
    return i % 10 === 3 ? `${at} ERROR order ${1000 + i} timeout after 30s calling api.exchange.example` : `${at} INFO order ${1000 + i} filled qty=0.${i} BTC`;
  });
  writeFileSync(logFile, `${lines.join('\n')}\n`);
}

async function newPage(width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('request', (request) => requested.push(request.url()));
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays as served.
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    .then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })))`)) as Array<{
    id: string;
    impact: string;
    targets: string[];
  }>;
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Fails when the page is wider than its viewport (something does not fit 375 px). */
async function horizontalOverflow(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set VIGIL_CHROMIUM`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  writeLog();
  // Built on demand into a folder of its own, as `npm start` does into console/dist.
  expect(await ensureConsoleBuilt({ outDir: consoleDir })).toBe(true);
  expect(await ensureConsoleBuilt({ outDir: consoleDir })).toBe(false);
  const app = await local.start({ now: () => new Date() }, {}, { consoleDir });
  base = app.url;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--disable-dev-shm-usage'] });
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await local.stop();
  rmSync(consoleDir, { recursive: true, force: true });
});

describe('the web console in headless Chromium', () => {
  let page: Page;
  let monitorId: string;

  it('serves the page and its assets without the key, and the API only with it', async () => {
    const root = await fetch(`${base}/`);
    const html = await root.text();
    const asset = html.match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    const config = await fetch(`${base}/config.json`);
    const apiWithoutKey = await fetch(`${base}/monitors`);

    expect(root.status).toBe(200);
    expect(root.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(html).not.toContain(LOCAL_API_KEY);
    expect(asset).toBeDefined();
    expect((await fetch(`${base}/${asset}`)).status).toBe(200);
    expect(await config.json()).toEqual({ api_url: './' });
    expect(apiWithoutKey.status).toBe(403);
  });

  it('asks for the key once, then creates a target through the form after showing the error on its field', async () => {
    page = await newPage(1280, 900);
    await page.goto(`${base}/`);
    await page.getByLabel('API key', { exact: true }).fill(LOCAL_API_KEY);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('heading', { name: 'Monitors', level: 1 }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('vigil.apiKey')")).toBe(LOCAL_API_KEY);

    await page.goto(`${base}/#/targets/new`);
    await page.getByLabel('Type', { exact: true }).selectOption('local');
    await page.getByRole('button', { name: 'Create target' }).click();
    const nameError = page.locator('[data-path="name"] .field-error');
    await nameError.waitFor();
    expect(await nameError.textContent()).toMatch(/at least 1 character/);
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'target-form-error');

    await page.getByLabel('Name', { exact: true }).fill('laptop');
    await page.getByRole('button', { name: 'Create target' }).click();
    await page.getByRole('link', { name: 'laptop' }).waitFor();
    expect((await local.call('GET', '/targets')).body.items.map((t: { name: string }) => t.name)).toEqual(['laptop']);
  });

  it('creates a file source and shows the sample its test reads', async () => {
    await page.goto(`${base}/#/sources/new`);
    await page.getByLabel('Name', { exact: true }).fill('trading bot');
    await page.getByLabel('Kind', { exact: true }).selectOption('file');
    await page.getByLabel('Path', { exact: true }).fill(join(local.dataDir, 'not-allowed.log'));
    await page.getByRole('button', { name: 'Create log source' }).click();
    await page.locator('[data-path="config.path"] .field-error').waitFor();

    await page.getByLabel('Path', { exact: true }).fill(logFile);
    await page.getByRole('button', { name: 'Create log source' }).click();
    await page.getByRole('button', { name: 'Test' }).click();
    const sample = page.getByLabel('sample lines', { exact: true });
    await sample.waitFor();
    expect(await page.getByRole('heading', { name: 'Test: readable' }).count()).toBe(1);
    expect(await sample.textContent()).toContain('ERROR order 1053 timeout after 30s');
    await screenshot(page, 'source-test');
  });

  it('creates a monitor through the form once the API has named the bad interval on its field', async () => {
    await page.goto(`${base}/#/monitors/new`);
    await page.getByLabel('Name', { exact: true }).fill('BTC bot anomaly detector');
    await page.getByLabel('Interval in seconds', { exact: true }).fill('30');
    await page.getByLabel('Instruction for the model', { exact: true }).fill('You are monitoring a crypto trading bot. Look for errors and API failures.');
    await page.getByLabel('Label', { exact: true }).fill('ERRORS');
    await page.getByLabel('Only lines matching (regex, optional)', { exact: true }).fill('ERROR');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Input label', { exact: true }).fill('ERRORS');
    await page.getByLabel('Pattern (RE2 regex)', { exact: true }).fill('timeout');
    await page.getByLabel('Lines', { exact: true }).fill('3');
    await page.getByLabel('Email recipients', { exact: true }).fill('ops@example.com');
    await page.getByRole('button', { name: 'Create monitor' }).click();

    const intervalError = page.locator('[data-path="interval_seconds"] .field-error');
    await intervalError.waitFor();
    expect(await intervalError.textContent()).toBe('must be at least 60');
    // The keyboard lands on the field the API named.
    // (Focus moves once the errors have rendered: on a loaded machine a moment after the text.)
    await expect.poll(() => page.evaluate('document.activeElement.id'), { timeout: 10_000 }).toBe('f-interval_seconds');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'monitor-form-error');
    expect((await local.call('GET', '/monitors')).body.items).toEqual([]);

    await page.getByLabel('Interval in seconds', { exact: true }).fill('300');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.getByRole('button', { name: 'Run now' }).waitFor();
    monitorId = new URL(page.url()).hash.split('/')[2] as string;
    const saved = (await local.call('GET', `/monitors/${monitorId}`)).body;
    expect(saved).toMatchObject({
      name: 'BTC bot anomaly detector',
      interval_seconds: 300,
      inputs: [{ label: 'ERRORS', mode: 'tail', match: 'ERROR' }],
      rules: [{ label: 'ERRORS', pattern: 'timeout', min_count: 3, severity: 'alert' }],
      notification_config: { email_recipients: ['ops@example.com'] },
    });
  });

  it('runs it and shows the alert with its evidence highlighted in the payload the judge read', async () => {
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.locator('.title-row .badge-alert').waitFor({ timeout: 60_000 });
    await page.locator('.outcome-outbox').first().waitFor({ timeout: 30_000 });

    const evidence = page.locator('.payload .payload-line.evidence');
    expect(await evidence.count()).toBeGreaterThan(0);
    expect(await evidence.first().textContent()).toMatch(/timeout after 30s calling api\.exchange\.example/);
    expect(await page.locator('.payload .payload-line.mark-label').first().textContent()).toBe('[ERRORS]');
    expect(await page.locator('tr.breached').textContent()).toContain('6 matching lines (breached at 3 or more)');
    expect(await page.getByText('rules only (no model)').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'run');
  });

  it('snoozes the monitor', async () => {
    await page.goto(`${base}/#/monitors/${monitorId}`);
    await page.getByLabel('Snooze for', { exact: true }).selectOption('2');
    await page.getByRole('button', { name: 'Snooze', exact: true }).click();
    await page.getByRole('button', { name: 'End snooze' }).waitFor();
    const monitor = (await local.call('GET', `/monitors/${monitorId}`)).body;
    const until = Date.parse(monitor.snoozed_until);
    expect(until - Date.now()).toBeGreaterThan(1.9 * 3_600_000);
    expect(until - Date.now()).toBeLessThan(2.1 * 3_600_000);
    expect(await page.locator('.title-row .marker').textContent()).toMatch(/^snoozed until /);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'monitor');
  });

  it('lists monitors with their status, strip of runs and markers, filtered and searched', async () => {
    await page.goto(`${base}/#/monitors`);
    const card = page.locator('.monitor-card');
    await card.waitFor();
    expect(await card.locator('.card-head .badge-alert').count()).toBe(1);
    expect(await card.locator('.strip-cell').count()).toBe(1);
    expect(await card.locator('.marker').allTextContents()).toEqual(['snoozed']);
    await page.getByLabel('Status', { exact: true }).selectOption('ok');
    expect(await page.locator('.monitor-card').count()).toBe(0);
    await page.getByLabel('Status', { exact: true }).selectOption('alert');
    await page.getByLabel('Search by name', { exact: true }).fill('btc');
    expect(await page.locator('.monitor-card').count()).toBe(1);
    await page.getByLabel('Search by name', { exact: true }).fill('');
    await page.getByLabel('Status', { exact: true }).selectOption('all');
    await page.locator('h1').focus();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'monitors');
  });

  it('shows the costs page from the latest snapshot', async () => {
    const target = (await local.call('POST', '/targets', { name: 'prod', type: 'aws_account', connection_config: { region: 'us-east-1' } })).body;
    const source = (await local.call('POST', '/log-sources', { target_id: target.id, name: 'AWS costs', mode: 'cost_explorer', config: {} })).body;
    const snapshots = local.context().costSnapshots;
    if (!(snapshots instanceof DynamoCostSnapshotRepository)) throw new Error('local mode reads cost snapshots from DynamoDB');
    const days = Array.from({ length: 36 }, (_, i) => new Date(Date.UTC(2026, 9, 23 + i)).toISOString().slice(0, 10));
    await snapshots.save({
      logSourceId: source.id,
      collectedAt: '2026-11-27T06:00:00.000Z',
      metric: 'UnblendedCost',
      groupBy: 'SERVICE',
      unit: 'USD',
      estimatedFrom: '2026-11-26',
      daily: days.flatMap((day, i) => [
        { day, group: 'Amazon Elastic Compute Cloud - Compute', amount: i === 33 ? 88 : 12.5 },
        { day, group: 'AmazonCloudWatch', amount: 0.3 },
        { day, group: 'Amazon Simple Storage Service', amount: 1.1 },
      ]),
      monthToDate: [
        { group: 'Amazon Elastic Compute Cloud - Compute', amount: 400.5 },
        { group: 'Amazon Simple Storage Service', amount: 28.6 },
        { group: 'AmazonCloudWatch', amount: 8.1 },
      ],
      forecast: { start: '2026-11-28', end: '2026-12-01', amount: 37.5 },
      anomalies: [],
      notes: [],
    });

    await page.goto(`${base}/#/costs`);
    await page.getByRole('heading', { name: 'Month to date', exact: true }).waitFor();
    expect(await page.locator('.tile .big').first().textContent()).toBe('437.20 USD');
    expect(await page.locator('.tile .big').nth(1).textContent()).toBe('≈ 474.70 USD');
    expect(await page.locator('.chart canvas').count()).toBe(1);
    expect(await page.getByRole('img', { name: /daily cost by service over 36 days/ }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'costs');
  });

  it('fits 375 px wide', async () => {
    const phone = await newPage(375, 812);
    await phone.goto(`${base}/`);
    await phone.evaluate(`sessionStorage.setItem('vigil.apiKey', ${JSON.stringify(LOCAL_API_KEY)})`);
    await phone.reload();
    for (const [name, hash, ready] of [
      ['monitors-375', '#/monitors', '.monitor-card'],
      ['monitor-375', `#/monitors/${monitorId}`, 'table'],
      ['run-375', `#/monitors/${monitorId}/runs/${(await local.call('GET', `/monitors/${monitorId}/runs/latest`)).body.id}`, '.payload'],
      ['costs-375', '#/costs', '.chart canvas'],
      ['monitor-form-375', '#/monitors/new', 'form'],
    ] as const) {
      await phone.goto(`${base}/${hash}`);
      await phone.locator(ready).first().waitFor();
      expect(await horizontalOverflow(phone), name).toBeLessThanOrEqual(0);
      await screenshot(phone, name);
    }
    await phone.close();
  });

  it('moves through the pages by keyboard', async () => {
    const focused = async () => (await page.evaluate('document.activeElement.textContent')) as string;
    /** Shift+Tab until the focused element reads `text`; how many presses it took. */
    const backTo = async (text: string) => {
      for (let presses = 1; presses <= 20; presses += 1) {
        await page.keyboard.press('Shift+Tab');
        if ((await focused()) === text) return presses;
      }
      throw new Error(`Shift+Tab never reached "${text}"`);
    };
    await page.goto(`${base}/#/monitors`);
    await page.locator('.monitor-card').waitFor();
    // A page starts with its heading focused; the next Tab is its first control.
    expect(await focused()).toBe('Monitors');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('New monitor');
    // Back through the header: Forget key, Costs, Log sources, Targets.
    expect(await backTo('Targets')).toBe(4);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Targets', level: 1 }).waitFor();
    expect(page.url()).toBe(`${base}/#/targets`);
    expect(await focused()).toBe('Targets');
    // Back through the header (and the health banner's controls, when a slow machine made /health
    // answer degraded) to the skip link, the first stop of the page.
    expect(await backTo('Skip to content')).toBeGreaterThanOrEqual(7);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement.id'), { timeout: 10_000 }).toBe('main');
  });

  it('asked no host but the API, and printed no error', () => {
    expect(requested.length).toBeGreaterThan(20);
    expect(requested.filter((url) => new URL(url).origin !== base)).toEqual([]);
    expect(pageErrors.filter((text) => !/status of (400|403|404)/.test(text))).toEqual([]);
  });
});
