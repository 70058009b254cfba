import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import type { App } from '../../src/app.js';
import { baseUrl, testApp } from '../harness.js';
import { browserAvailable, launchChromium } from './chromium.js';
import { staff } from '../accounts.factories.js';
import { types } from '../factories.js';

const available = browserAvailable();

describe.skipIf(!available)('Open311 client keys in Chromium', () => {
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

  test('an administrator issues a key, a client submits with it, the citizen tracks the number; once revoked the client gets 403', async () => {
    const admin = await staff(app, 'admin', 'KC');
    const { plain } = await types(app);
    const ctx = await browser.newContext();
    await ctx.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base + '/admin');
    await page.getByLabel('Потребителско име или имейл', { exact: false }).fill(admin.username);
    await page.getByLabel('Парола *', { exact: true }).fill('Sluzhebna-parola-2026');
    await page.getByRole('button', { name: 'Вход' }).click();
    await page.getByRole('link', { name: 'Ключове за API (Open311)' }).click();
    const appName = `Приложение на читалище ${Date.now()}`;
    await page.getByLabel('Име на приложението').fill(appName);
    await page.getByRole('button', { name: 'Създай ключ' }).click();
    await page.getByText('Ключът е създаден').waitFor();
    const key = (await page.locator('#new-key').textContent())!.trim();
    expect(key.length).toBeGreaterThanOrEqual(40);
    // Shown once: the list shows only its beginning.
    await page.goto(base + '/admin/api-keys');
    expect(await page.locator('main').textContent()).not.toContain(key);
    expect(await page.locator('tr', { hasText: appName }).textContent()).toContain(key.slice(0, 8));

    const post = (k: string) =>
      fetch(`${base}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: k, service_code: plain.code, lat: '42.6853', long: '23.3192', description: 'Изгоряла лампа в подлеза, подадено от приложение' }),
      });
    const res = await post(key);
    expect(res.status).toBe(200);
    const [created] = (await res.json()) as { service_request_id: string }[];
    expect(created!.service_request_id).toMatch(/^СО\d\d-КЦ01-\d{6}$/);

    await page.goto(base + '/');
    const track = page.locator('form.track').first();
    await track.getByLabel('Входящ номер').fill(created!.service_request_id);
    await track.getByRole('button').click();
    await expect.poll(() => page.locator('h1').textContent()).toContain(created!.service_request_id);
    expect(await page.locator('main').textContent()).toContain('Изгоряла лампа в подлеза');

    await page.goto(base + '/admin/api-keys');
    await page.getByRole('button', { name: `Отнеми: ${appName}` }).click();
    await page.getByText('Ключът е отнет').waitFor();
    expect(await page.locator('tr', { hasText: appName }).textContent()).toContain('Отнет на');
    const refused = await post(key);
    expect(refused.status).toBe(403);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
