// The trace page in a real headless Chromium (from npm: @sparticuz/chromium, driven by
// playwright-core): sign in with the admin form, send a request with the openai SDK, and see its
// row appear without a reload, with the requested and the applied temperature.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { FakeUpstream } from '../support/fake-upstream.ts';
import { client } from '../support/openai-client.ts';
import { nodeRuntime, workerdRuntime, type RunningGateway } from '../support/runtimes.ts';

const ADMIN_KEY = 'admin-page-key-Qw77';
const CLIENT_KEY = 'sk-page-client-key-Zr12';

let browser: Browser;
const upstream = new FakeUpstream();

beforeAll(async () => {
  await upstream.start();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await upstream.stop();
});

/** Opens the trace page, which asks for the admin key first, signs in, and waits until it is live. */
async function signIn(page: Page, gateway: RunningGateway): Promise<void> {
  await page.goto(`${gateway.url}/_temperance/traces`);
  await page.fill('input[name=key]', ADMIN_KEY);
  await page.click('button[type=submit]');
  await page.waitForSelector('#records', { state: 'attached' });
  await expect.poll(() => page.textContent('#state')).toContain('live');
}

describe.each([nodeRuntime, workerdRuntime])('the trace page on $name', (runtime) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await runtime.start({ OPENAI_BASE_URL: upstream.url, ADMIN_API_KEY: ADMIN_KEY });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('shows a new request live, requested → applied, and opens its decisions', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(8_000);
    try {
      await signIn(page, gateway);
      let navigations = 0;
      page.on('framenavigated', () => { navigations += 1; });

      const openai = client(gateway, CLIENT_KEY);
      await openai.chat.completions.create({ model: 'clampy', messages: [{ role: 'user', content: 'Hi' }], temperature: 1.7 });

      const row = page.locator('tr.row').first();
      await row.waitFor({ timeout: 10_000 });
      expect(await row.locator('[data-col=temperature]').textContent()).toBe('1.7 → 0.8');
      expect(await row.locator('[data-col=top_p]').textContent()).toBe('— → 0.9');
      // The upstream it went to, by name and host (contract §8).
      expect(await row.locator('[data-col=upstream]').textContent()).toBe('openai (127.0.0.1)');
      expect(await row.textContent()).toContain('clamp');
      expect(await row.textContent()).toContain('injected (prepend)');
      expect(navigations).toBe(0);

      await row.click();
      const detail = page.locator('tr.detail');
      await detail.waitFor();
      expect(await detail.textContent()).toContain('temperature: 1.7 → 0.8 (clamp)');
      expect(await detail.textContent()).toContain('You are Clamp.');

      // A second request lands on top, still without a reload.
      await openai.chat.completions.create({ model: 'clampy', messages: [{ role: 'user', content: 'Again' }], temperature: 0.2 });
      await expect.poll(() => page.locator('tr.row').first().locator('[data-col=temperature]').textContent(), { timeout: 10_000 }).toBe('0.2');
      expect(await page.locator('tr.row').count()).toBe(2);
      expect(navigations).toBe(0);
      expect(await page.content()).not.toContain(CLIENT_KEY);
      expect(await page.content()).not.toContain(ADMIN_KEY);
    } finally {
      await page.close();
    }
  });

  it('shows each request\'s arm and filters the rows by policy and by arm', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(8_000);
    try {
      await signIn(page, gateway);
      const openai = client(gateway, CLIENT_KEY);
      const messages = [{ role: 'user' as const, content: 'Hi' }];
      await openai.chat.completions.create({ model: 'trial', messages }, { headers: { 'x-temperance-arm': 'cool' } });
      await openai.chat.completions.create({ model: 'trial', messages }, { headers: { 'x-temperance-arm': 'control' } });
      await openai.chat.completions.create({ model: 'clampy', messages });

      const arms = page.locator('tr.row:visible [data-col=arm]');
      await expect.poll(() => arms.allTextContents(), { timeout: 10_000 }).toEqual(expect.arrayContaining(['trial-temperature: cool (forced)', 'trial-temperature: control (forced)', '—']));
      await page.selectOption('#filter-arm', 'trial-temperature: cool');
      await expect.poll(() => arms.allTextContents()).toEqual(['trial-temperature: cool (forced)']);
      await page.selectOption('#filter-arm', '');
      await page.selectOption('#filter-policy', 'clamp');
      await expect.poll(() => page.locator('tr.row:visible').count()).toBeGreaterThan(0);
      expect(new Set(await arms.allTextContents())).toEqual(new Set(['—']));
    } finally {
      await page.close();
    }
  });
});
