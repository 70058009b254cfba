import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's Chromium, the one browser the tests drive. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether browser tests can run here. Without Chromium they are skipped and the run says so
 * plainly; with REQUIRE_BROWSER=1 (CI) a missing Chromium fails the run instead.
 */
export function browserAvailable(): boolean {
  const available = existsSync(CHROMIUM);
  if (!available) {
    if (process.env.REQUIRE_BROWSER === '1') throw new Error(`browser tests are required but ${CHROMIUM} is missing (apt-get install chromium)`);
    console.warn(`SKIPPED: browser tests — ${CHROMIUM} not found (apt-get install chromium to run them)`);
  }
  return available;
}

/** Headless Chromium with nothing reaching outside this machine (its closed network refuses it). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
