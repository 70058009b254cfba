import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { App } from '../../src/app.js';
import { baseUrl, testApp } from '../harness.js';
import { browserAvailable, launchChromium } from './chromium.js';
import { phonePhoto, types } from '../factories.js';

const available = browserAvailable();

describe.skipIf(!available)('a citizen in Chromium', () => {
  let app: App;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    app = await testApp();
    base = await baseUrl(app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function newPage(js: boolean): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
    const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1200, height: 900 } });
    // Tiles come from the internet, which this machine does not reach: the page must not care.
    await ctx.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { ctx, page, errors };
  }

  test('submits a signal with a photo on the map, gets the email, tracks it and finds it on the map', async () => {
    const { pothole } = await types(app);
    const { ctx, page, errors } = await newPage(true);
    await page.goto(base + '/');
    await page.getByRole('link', { name: 'Подай сигнал' }).first().click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Подаване на сигнал');

    await page.selectOption('#category', String(pothole.categoryId));
    await page.selectOption('#type', String(pothole.id));
    // The type's extra fields arrive without a page load.
    await page.getByLabel('Пътно платно').check();
    await page.locator('[data-no-js-only]').first().waitFor({ state: 'hidden' });

    const map = page.locator('#place-map');
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.inputValue('#lat')).not.toBe('');
    const lat = Number(await page.inputValue('#lat'));
    const lon = Number(await page.inputValue('#lon'));
    expect(lat).toBeGreaterThan(42.6);
    expect(lon).toBeGreaterThan(23.2);

    await page.fill('#description', 'Дълбока дупка на кръстовището, колите я заобикалят в насрещното платно.');
    await page.setInputFiles('#photos', { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto() });
    await page.fill('#name', 'Елена Иванова');
    await page.fill('#email', 'elena@example.bg');
    // The anonymous form's minimum fill time (issue 11), which a person always takes.
    await page.waitForTimeout((app.ctx.config.formMinSeconds + 0.5) * 1000);
    await page.getByRole('button', { name: 'Изпрати' }).click();

    await page.getByRole('heading', { name: 'Документът е регистриран' }).waitFor({ state: 'visible' });
    const number = (await page.locator('.notice .big-number').textContent())!.trim();
    expect(number).toMatch(/^СО\d{2}-КЦ01-\d{6}$/);
    await expect.poll(() => page.locator('.photos img').count()).toBe(1);

    // The email, in the development mailbox, with the private link.
    await expect
      .poll(async () => {
        await page.goto(base + '/dev/mailbox');
        return page.getByRole('link', { name: new RegExp(number) }).count();
      }, { timeout: 20_000 })
      .toBe(1);
    await page.getByRole('link', { name: new RegExp(number) }).click();
    // The email links to the public address; here the platform runs on a test port.
    const href = (await page.locator('a[href*="/p/"]').first().getAttribute('href'))!;
    await page.goto(base + new URL(href).pathname);
    await page.locator('dl.facts').getByText('Елена Иванова', { exact: true }).waitFor({ state: 'visible' });

    // Tracking by number from the home page.
    await page.goto(base + '/');
    await page.getByLabel('Входящ номер').first().fill(number);
    await page.getByRole('button', { name: 'Търсене' }).first().click();
    await expect.poll(() => page.locator('h1').textContent()).toContain(number);
    await expect.poll(() => page.getByText('Елена Иванова').count()).toBe(0);

    // Its marker on the map, and the marker opens the signal.
    await page.getByRole('link', { name: 'Виж на картата' }).click();
    const marker = page.locator(`.signal-icon[title^="${number}"]`);
    await marker.waitFor({ state: 'visible', timeout: 15_000 });
    await marker.click();
    await page.locator('.leaflet-popup').getByRole('link', { name: number }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain(number);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  test('the same submission works with JavaScript disabled', async () => {
    const { pothole } = await types(app);
    const { ctx, page } = await newPage(false);
    await page.goto(base + '/signals/new');
    await page.selectOption('#type', String(pothole.id));
    await page.getByRole('button', { name: 'Продължи' }).click();
    await page.getByLabel('Тротоар').check();
    await page.fill('#address', 'ул. „Граф Игнатиев“ 15');
    await page.fill('#lat', '42,6915');
    await page.fill('#lon', '23.3260');
    await page.fill('#description', 'Счупена плочка на тротоара');
    await page.setInputFiles('#photos', { name: 'p.jpg', mimeType: 'image/jpeg', buffer: await phonePhoto(320, 240) });
    await page.waitForTimeout((app.ctx.config.formMinSeconds + 0.5) * 1000);
    await page.getByRole('button', { name: 'Изпрати' }).click();
    await page.getByRole('heading', { name: 'Документът е регистриран' }).waitFor({ state: 'visible' });
    const number = (await page.locator('.notice .big-number').textContent())!.trim();
    await page.goto(base + '/');
    await page.getByLabel('Входящ номер').first().fill(number);
    await page.getByRole('button', { name: 'Търсене' }).first().click();
    await expect.poll(() => page.locator('h1').textContent()).toContain(number);
    await page.getByText('Тротоар', { exact: true }).waitFor({ state: 'visible' });
    // Without the map, the list of the home page has the signal.
    await page.goto(base + '/');
    await expect.poll(() => page.locator('#signals-list').textContent()).toContain(number);
    await ctx.close();
  });

  test('a wrong number gets a friendly page, and English is one click away', async () => {
    const { ctx, page } = await newPage(true);
    await page.goto(base + '/');
    await page.getByLabel('Входящ номер').first().fill('СО26-КЦ01-999999');
    await page.getByRole('button', { name: 'Търсене' }).first().click();
    await page.getByRole('heading', { name: 'Документът не е намерен' }).waitFor({ state: 'visible' });
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Document not found' }).waitFor({ state: 'visible' });
    await page.goto(base + '/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Signals and questions to Sofia Municipality');
    await page.getByRole('link', { name: 'Български' }).click();
    await ctx.close();
  });
});

describe.skipIf(!available)('accessibility (axe-core, WCAG 2.1 A and AA rules)', () => {
  test('the home page, the forms, a signal page and the not-found page have no violations, in both languages', async () => {
    const app = await testApp();
    const base = await baseUrl(app);
    const { readFileSync } = await import('node:fs');
    const { createRequire } = await import('node:module');
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const browser = await launchChromium();
    const { plain } = await types(app);
    const submitted = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: { kind: 'signal', categoryId: plain.categoryId, typeId: plain.id, description: 'Проверка на достъпност', lat: 42.6977, lon: 23.3219 } });
    const number = submitted.json().number as string;
    try {
      for (const lang of ['bg', 'en']) {
        const ctx = await browser.newContext({ bypassCSP: true });
        await ctx.addCookies([{ name: 'lang', value: lang, url: base }]);
        await ctx.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
        const page = await ctx.newPage();
        for (const path of ['/', '/signals/new', '/questions/new', `/cases/${encodeURIComponent(number)}`, '/track?number=X']) {
          await page.goto(base + path);
          await page.waitForLoadState('networkidle');
          await page.evaluate(axeSource);
          const violations = (await page.evaluate(async () => {
            const r = await (window as unknown as { axe: { run(o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run({
              runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
            });
            return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
          })) as string[];
          expect(violations, `${lang} ${path}`).toEqual([]);
        }
        await ctx.close();
      }
    } finally {
      await browser.close();
    }
  });
});
