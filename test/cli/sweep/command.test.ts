// temperance sweep end to end: a stand-in model whose answers stray more as the temperature
// rises, the scores and the suggestion that follow, 429s retried as the upstream asks, a
// killed run resumed without asking again, and the report as a browser shows it.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { runTemperance, type CliRun } from '../../support/cli.ts';
import { FakeUpstream, sendJson, type Handler } from '../../support/fake-upstream.ts';
import { nodeRuntime, type RunningGateway } from '../../support/runtimes.ts';
import { ANSWERS, SWEEP_MODEL, SWEEP_SYSTEM, sweepProject } from '../../support/sweep-fixture.ts';
import { variedAnswers } from '../../support/varied-upstream.ts';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const TEMPERATURES = [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2];
const PROMPTS = Object.keys(ANSWERS).length;
const SAMPLES = 3;
const JOBS = PROMPTS * TEMPERATURES.length * SAMPLES;

type Row = { temperature: number; agreement: number; consistency: number; words: number; refusal: number; json: number };

/** The scores table sweep prints. */
function scoreRows(stdout: string): Row[] {
  return [...stdout.matchAll(/^\s*t=([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)%\s+(\d+)%\s+(\d+)%$/gm)].map((match) => ({
    temperature: Number(match[1]),
    agreement: Number(match[2]),
    consistency: Number(match[3]),
    words: Number(match[4]),
    refusal: Number(match[5]) / 100,
    json: Number(match[6]) / 100,
  }));
}

function suggested(stdout: string): { default: number; max: number } {
  const match = /temperature: \{ default: ([\d.]+), max: ([\d.]+) \}/.exec(stdout);
  if (match === null) throw new Error(`no suggestion in:\n${stdout}`);
  return { default: Number(match[1]), max: Number(match[2]) };
}

async function resultLines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? [{ ...value }] : [];
    } catch {
      return [];
    }
  });
}

function sweepArgs(baseUrl: string, extra: string[] = []): string[] {
  return ['sweep', '--model', 'geo', '--prompts', 'prompts.jsonl', '--base-url', baseUrl, '--samples', String(SAMPLES), '--out', 'report.html', ...extra];
}

describe('temperance sweep', () => {
  const upstream = new FakeUpstream();
  const arrivals = new Map<string, number[]>();
  let dir: string;
  let run: CliRun;

  beforeAll(async () => {
    await upstream.start();
    const answer = variedAnswers(SWEEP_SYSTEM, ANSWERS);
    let count = 0;
    // The 6th request is told to come back in a second.
    const handler: Handler = (request, response) => {
      arrivals.set(request.text, [...(arrivals.get(request.text) ?? []), performance.now()]);
      count += 1;
      if (count === 6) return sendJson(response, 429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '1' });
      return answer(request, response);
    };
    upstream.handler = handler;
    dir = await sweepProject();
    run = await runTemperance(sweepArgs(upstream.url), { cwd: dir });
  });
  afterAll(() => upstream.stop());

  it('sends every prompt at every setting, through the policy but at the swept temperature', () => {
    expect(run.code).toBe(0);
    expect(upstream.requests).toHaveLength(JOBS + 1);
    const bodies = upstream.requests.map((request) => request.json());
    for (const body of bodies) {
      expect(body.model).toBe(SWEEP_MODEL);
      expect(body.top_p).toBe(0.9);
      expect(Array.isArray(body.messages) ? body.messages[0] : undefined).toEqual({ role: 'system', content: SWEEP_SYSTEM });
      expect(JSON.stringify(body.messages)).not.toContain('weight');
      expect(JSON.stringify(body.messages)).not.toContain('"assistant"');
    }
    // Above the policy's max 0.7: measured, not clamped.
    expect(new Set(bodies.map((body) => body.temperature))).toEqual(new Set(TEMPERATURES));
    expect(new Set(bodies.map((body) => body.seed))).toEqual(new Set([1, 2, 3]));
    // The prompt line's own request fields go along (response_format of the JSON prompt).
    const jsonBodies = new Set(upstream.requests.filter((request) => request.json().response_format !== undefined).map((request) => request.text));
    expect(jsonBodies.size).toBe(TEMPERATURES.length * SAMPLES);
  });

  it('retries a 429 after the Retry-After the upstream gave', async () => {
    const retried = [...arrivals.values()].filter((times) => times.length > 1);
    expect(retried).toHaveLength(1);
    const [first = 0, second = 0] = retried[0] ?? [];
    expect(second - first).toBeGreaterThanOrEqual(950);
    const lines = await resultLines(join(dir, 'report.jsonl'));
    expect(lines).toHaveLength(JOBS);
    expect(lines.filter((line) => line.attempts === 2)).toHaveLength(1);
    expect(lines.every((line) => line.error === null)).toBe(true);
  });

  it('scores each setting: agreement and consistency fall, refusals and broken JSON rise with temperature', () => {
    const rows = scoreRows(run.stdout);
    expect(rows.map((row) => row.temperature)).toEqual(TEMPERATURES);
    const [coldest, ...rest] = rows;
    expect(coldest).toMatchObject({ agreement: 1, consistency: 1, refusal: 0, json: 1 });
    rows.slice(1).forEach((row, index) => {
      const previous = rows[index];
      expect(row.agreement).toBeLessThanOrEqual(previous?.agreement ?? 1);
      expect(row.consistency).toBeLessThanOrEqual(previous?.consistency ?? 1);
    });
    const hottest = rest.at(-1);
    expect(hottest?.agreement).toBeLessThan(0.6);
    expect(hottest?.refusal).toBeGreaterThan(0);
    expect(hottest?.json).toBeLessThan(1);
  });

  it('suggests the sampling block that follows from the scores, with the reason', () => {
    const rows = scoreRows(run.stdout);
    const best = Math.max(...rows.map((row) => row.agreement));
    const { default: low, max } = suggested(run.stdout);
    const at = (t: number) => rows.find((row) => row.temperature === t);
    expect(at(low)?.agreement).toBeGreaterThanOrEqual(best - 0.01);
    expect(max).toBeGreaterThanOrEqual(low);
    expect(at(max)?.agreement).toBeGreaterThanOrEqual(best - 0.05);
    const next = rows.find((row) => row.temperature > max);
    expect(next?.agreement).toBeLessThan(best - 0.05);
    // The stand-in model is deterministic: the exact block.
    expect(run.stdout).toContain('sampling:\n  temperature: { default: 0.2, max: 0.4 }');
    expect(run.stdout).toMatch(/# max 0\.4: .*; at 0\.6 agreement falls to 0\.9\d/);
  });

  it('writes a report that renders offline: a chart per score with one point per setting, and the outputs side by side', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const url = pathToFileURL(join(dir, 'report.html')).href;
      await page.goto(url);
      expect(requested).toEqual([url]);
      expect(errors).toEqual([]);

      const charts = page.locator('figure.chart');
      expect(await charts.evaluateAll((figures) => figures.map((figure) => figure.getAttribute('data-score')))).toEqual(['agreement', 'consistency', 'length', 'emptyOrRefusal', 'jsonValid']);
      for (const chart of await charts.all()) {
        const points = chart.locator('circle.point');
        expect(await points.evaluateAll((circles) => circles.map((circle) => Number(circle.getAttribute('data-x'))))).toEqual(TEMPERATURES);
        const box = await chart.locator('svg').boundingBox();
        expect(box?.width).toBeGreaterThan(300);
        // Drawn where the axis says: higher temperature, further right.
        const xs = await points.evaluateAll((circles) => circles.map((circle) => circle.getBoundingClientRect().x));
        expect([...xs].sort((a, b) => a - b)).toEqual(xs);
      }
      const agreementYs = await page.locator('#agreement circle.point').evaluateAll((circles) => circles.map((circle) => circle.getBoundingClientRect().y));
      expect(agreementYs.at(-1)).toBeGreaterThan(agreementYs[0] ?? 0);

      const tables = page.locator('table.outputs');
      expect(await tables.count()).toBe(PROMPTS);
      const first = tables.first();
      expect(await first.locator('thead th').allTextContents()).toEqual(['sample', ...TEMPERATURES.map((t) => `t=${t}`)]);
      expect(await first.locator('tbody tr').count()).toBe(SAMPLES);
      expect(await first.locator('tbody tr').first().locator('td').first().textContent()).toBe(ANSWERS['What is the capital of France?']);
      expect(await page.locator('pre.suggestion').textContent()).toContain('temperature: { default: 0.2, max: 0.4 }');
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      if (process.env.TEMPERANCE_KEEP_REPORT !== undefined) console.log(`report: ${join(dir, 'report.html')}`);
    } finally {
      await browser.close();
    }
  });

  it('a second run asks nothing again', async () => {
    const before = upstream.requests.length;
    const again = await runTemperance(sweepArgs(upstream.url), { cwd: dir });
    expect(again.code).toBe(0);
    expect(upstream.requests.length).toBe(before);
    expect(suggested(again.stdout)).toEqual(suggested(run.stdout));
  });
});

describe('temperance sweep, stopped and started again', () => {
  const upstream = new FakeUpstream();
  beforeAll(() => upstream.start());
  afterAll(() => upstream.stop());

  it('continues a killed run without repeating the requests it had answered', async () => {
    const answer = variedAnswers(SWEEP_SYSTEM, ANSWERS);
    let inFlight = 0;
    let mostInFlight = 0;
    upstream.handler = (request, response) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      response.on('close', () => { inFlight -= 1; });
      setTimeout(() => void answer(request, response), 15);
    };
    const dir = await sweepProject();
    const child = spawn(process.execPath, [MAIN, ...sweepArgs(upstream.url, ['--concurrency', '2'])], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (upstream.requests.length >= 30) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
    child.kill('SIGKILL');
    await exited;
    // A request on the wire at the kill may still be arriving: let it land before counting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const firstRun = upstream.requests.length;
    const saved = new Set((await resultLines(join(dir, 'report.jsonl'))).map((line) => line.key)).size;
    expect(saved).toBeGreaterThanOrEqual(firstRun - 3);
    expect(saved).toBeLessThan(JOBS);

    const resumed = await runTemperance(sweepArgs(upstream.url, ['--concurrency', '2']), { cwd: dir });
    expect(resumed.code).toBe(0);
    expect(upstream.requests.length - firstRun).toBe(JOBS - saved);
    expect(resumed.stderr).toContain(`${saved} from earlier run`);
    expect(new Set((await resultLines(join(dir, 'report.jsonl'))).map((line) => line.key)).size).toBe(JOBS);
    expect(resumed.stdout).toContain('temperature: { default: 0.2, max: 0.4 }');
    // --concurrency 2: two at a time, never more.
    expect(mostInFlight).toBe(2);
  });

  it('stops at once when the upstream refuses the key, keeping what it has', async () => {
    upstream.reset();
    upstream.handler = (_request, response) => sendJson(response, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    const dir = await sweepProject();
    const run = await runTemperance(sweepArgs(upstream.url, ['--concurrency', '2']), { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('temperance sweep: the upstream at');
    expect(run.stderr).toContain('answers 401: Incorrect API key provided');
    expect(upstream.requests.length).toBeLessThanOrEqual(2);
  });
});

describe('temperance sweep, user mistakes', () => {
  it.each([
    [['--temperature', '0.2,3'], 'temperance sweep: --temperature "3": expected a number from 0 to 2\n'],
    [['--samples', '0'], 'temperance sweep: --samples "0": expected a whole number between 1 and 100\n'],
    [['--base-url', 'ftp://x'], 'temperance sweep: --base-url "ftp://x": expected an http or https URL\n'],
  ])('%o', async (extra, stderr) => {
    const dir = await sweepProject();
    expect(await runTemperance(sweepArgs('http://127.0.0.1:9/v1', extra), { cwd: dir })).toMatchObject({ code: 1, stderr });
  });

  it('refuses to sweep a parameter the base model refuses, before sending anything', async () => {
    const dir = await sweepProject();
    const args = sweepArgs('http://127.0.0.1:9/v1').map((arg) => (arg === 'geo' ? 'ft:o4-mini-2025-04-16:acme:triage:4kL' : arg));
    const run = await runTemperance(args, { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ft:o4-mini-2025-04-16:acme:triage:4kL: the base model o4-mini does not accept temperature (only its default 1): there is nothing to sweep');
  });
});

describe('temperance sweep through the gateway', () => {
  const upstream = new FakeUpstream();
  let gateway: RunningGateway;
  let dir: string;
  beforeAll(async () => {
    await upstream.start();
    upstream.handler = variedAnswers(SWEEP_SYSTEM, ANSWERS);
    dir = await sweepProject();
    gateway = await nodeRuntime.start({ OPENAI_BASE_URL: upstream.url, POLICIES_DIR: join(dir, 'policies') });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream.stop();
  });

  it('works, sends the system message once, and warns that the gateway clamps what it governs', async () => {
    const run = await runTemperance(sweepArgs(`${gateway.url}/v1`, ['--temperature', '0.2,0.9', '--samples', '1']), { cwd: dir, env: { OPENAI_API_KEY: 'sk-test' } });
    expect(run.code).toBe(0);
    expect(upstream.requests).toHaveLength(PROMPTS * 2);
    for (const request of upstream.requests) {
      const { messages, temperature } = request.json();
      expect(Array.isArray(messages) ? messages.filter((message) => JSON.stringify(message).includes(SWEEP_SYSTEM)) : []).toHaveLength(1);
      expect([0.2, 0.7]).toContain(temperature);
      expect(request.headers.authorization).toBe('Bearer sk-test');
    }
    expect(run.stderr).toContain('is a temperance gateway (policy geo)');
  });
});
