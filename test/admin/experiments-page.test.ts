// The experiments page in a real headless Chromium: the arms table and the charts are drawn
// from experiments.json, and what they show matches it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { useGateway } from '../support/gateway-fixture.ts';
import { nodeSqliteRuntime } from '../support/store-runtimes.ts';
import { nodeRuntime } from '../support/runtimes.ts';

const TRIAL = 'ft:gpt-4o-mini:acme:trial:1';
type Json = { experiments: { name: string; arms: { name: string; requests: number; versus_control: Record<string, { verdict: string; history: unknown[] }>; estimates: Record<string, { estimate: number | null }> }[] }[] };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('the experiments page', () => {
  const fixture = useGateway(nodeSqliteRuntime);

  it('draws the arms table, the comparisons and the charts from experiments.json', async () => {
    const { gateway, openai } = fixture;
    const ids: { id: string; arm: string }[] = [];
    for (let i = 0; i < 40; i += 1) {
      const { response } = await openai.chat.completions.create({ model: TRIAL, messages: [{ role: 'user', content: 'hi' }], user: `page-user-${i}` }).withResponse();
      ids.push({ id: response.headers.get('x-temperance-request-id') ?? '', arm: response.headers.get('x-temperance-arm') ?? '' });
    }
    await fetch(`${gateway.url}/_temperance/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ids.map((s) => ({ request_id: s.id, metric: 'resolved', value: s.arm === 'cool' }))) });
    const json = (await (await fetch(`${gateway.url}/_temperance/experiments.json`)).json()) as Json;
    const trial = json.experiments.find((e) => e.name === 'trial-temperature');
    if (trial === undefined) throw new Error('no trial experiment');

    const page = await browser.newPage();
    page.setDefaultTimeout(8_000);
    try {
      await page.goto(`${gateway.url}/_temperance/experiments`);
      await page.waitForSelector('body[data-loaded=true]');
      const section = page.locator('section[data-experiment="trial-temperature"]');
      for (const arm of trial.arms) {
        expect(await section.locator(`table.arms tr[data-arm="${arm.name}"] td[data-field=requests]`).textContent()).toBe(String(arm.requests));
        for (const [metric, comparison] of Object.entries(arm.versus_control)) {
          expect(await section.locator(`table.versus tr[data-arm="${arm.name}"][data-metric="${metric}"] td[data-field=verdict]`).textContent()).toBe(comparison.verdict);
        }
      }
      // One estimate chart per metric, a dot per arm with data at the JSON's value; one history chart per arm and metric.
      const cool = trial.arms.find((a) => a.name === 'cool');
      const dot = section.locator('figure[data-chart=estimate][data-metric=resolved] g[data-arm=cool]');
      expect(Number(await dot.getAttribute('data-estimate'))).toBe(cool?.estimates.resolved?.estimate);
      expect(await section.locator('figure[data-chart=estimate]').count()).toBe(7);
      const histories = trial.arms.flatMap((arm) => Object.keys(arm.versus_control));
      expect(await section.locator('figure[data-chart=history]').count()).toBe(histories.length);
      expect(await section.locator('figure[data-chart=history][data-arm=cool][data-metric=resolved] polygon').count()).toBe(1);
    } finally {
      await page.close();
    }
  }, 60_000);
});

describe('the experiments page without a store', () => {
  const fixture = useGateway(nodeRuntime);
  it('says how to add one', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${fixture.gateway.url}/_temperance/experiments`);
      await page.waitForSelector('#no-store');
      expect(await page.textContent('#no-store')).toContain('TEMPERANCE_DB');
    } finally {
      await page.close();
    }
  });
});
