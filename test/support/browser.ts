// A real headless Chromium from npm (@sparticuz/chromium), driven by playwright-core: no browser
// download at install, which this environment (and CI) cannot do.
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';

export async function launchChromium(): Promise<Browser> {
  // Its Lambda-minded flags minus two: --single-process ends the browser with its first closed
  // page, and --disable-web-security would switch off the same-origin rules pages are tested under.
  const args = chromium.args.filter((arg) => arg !== '--single-process' && arg !== '--disable-web-security');
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}
