import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../../src/app.js';
import { baseUrl, testApp } from '../harness.js';
import { browserAvailable, launchChromium } from './chromium.js';
import { staff } from '../accounts.factories.js';
import { signalBody, types } from '../factories.js';

const available = browserAvailable();
const STAFF_PASSWORD = 'Sluzhebna-parola-2026';

describe.skipIf(!available)('staff in Chromium', () => {
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

  async function loggedIn(username: string): Promise<{ page: Page; close: () => Promise<void>; errors: string[] }> {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await ctx.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base + '/staff');
    await page.getByLabel('Потребителско име или имейл', { exact: false }).fill(username);
    await page.getByLabel('Парола *', { exact: true }).fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Вход' }).click();
    return { page, close: () => ctx.close(), errors };
  }

  test('an officer answers a signal and closes it; the public page shows the answer; the email is in the mailbox', async () => {
    const { plain } = await types(app);
    const email = `browser.citizen.${Date.now()}@example.bg`;
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain, { email, description: 'Счупена пейка пред блока' }) });
    const number = res.json().number as string;
    const { rows } = await app.ctx.db.raw.executeSql('SELECT u.code FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.reg_number = $1', [number]);
    const officer = await staff(app, 'officer', rows[0].code);

    const { page, close, errors } = await loggedIn(officer.username);
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Входяща кутия/);
    await page.getByLabel('Търсене (номер, адрес, думи)').fill(number);
    await page.getByRole('button', { name: 'Покажи' }).click();
    await page.getByRole('link', { name: number }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(number);

    await page.getByLabel('Публичен отговор *').fill('Пейката е подменена на 21.11.2026 г.');
    await page.getByLabel('Статус след отговора').selectOption({ label: 'Приключен' });
    await page.getByRole('button', { name: 'Запиши' }).first().click();
    await page.getByText('Готово: промяната е записана.').waitFor();
    expect(await page.locator('dl.facts').first().textContent()).toContain('Приключен');

    await page.goto(`${base}/cases/${encodeURIComponent(number)}`);
    const main = await page.locator('main').textContent();
    expect(main).toContain('Пейката е подменена на 21.11.2026 г.');
    expect(main).toContain('Приключен');
    expect(main).not.toContain(officer.username);

    await page.goto(`${base}/dev/mailbox`);
    const row = page.locator('tr', { hasText: email }).filter({ hasText: 'Промяна по сигнал' });
    await row.first().waitFor();
    await row.first().getByRole('link').click();
    expect(await page.locator('pre.mail-text').textContent()).toContain('Пейката е подменена');
    expect(errors).toEqual([]);
    await close();
  });

  test('an operator registers a phone signal for a caller and finds it by the caller’s phone', async () => {
    const operator = await staff(app, 'operator', 'KC');
    const { plain } = await types(app);
    const { page, close, errors } = await loggedIn(operator.username);
    await page.goto(base + '/staff/console');
    await page.getByRole('radio', { name: 'Сигнал' }).check();
    await page.getByLabel('Тип (за сигнал и въпрос)').selectOption(String(plain.id));
    await page.getByLabel('Описание *').fill('Обаждане: преливаща шахта');
    await page.getByLabel('Адрес на проблема').fill('ул. „Пиротска“ 10');
    await page.getByLabel('Район').first().selectOption({ label: 'Възраждане' });
    await page.getByLabel('Име', { exact: true }).first().fill('Калина Русева');
    await page.getByLabel('Телефон', { exact: true }).nth(1).fill('+359 899 55 44 33');
    await page.getByRole('button', { name: 'Регистрирай' }).click();
    await page.getByText('Кажете на обаждащия се входящия номер').waitFor();
    const number = (await page.locator('.big-number').textContent())!.trim();
    expect(number).toMatch(/^СО\d\d-КЦ01-\d{6}$/);

    await page.getByLabel('Телефон', { exact: true }).first().fill('0899554433');
    await page.getByRole('button', { name: 'Търси' }).click();
    await page.getByRole('link', { name: number }).waitFor();
    await page.getByRole('link', { name: number }).click();
    expect(await page.locator('dl.facts').first().textContent()).toContain('Калина Русева');
    expect(errors).toEqual([]);
    await close();
  });

  test('the staff pages have no WCAG 2.1 A/AA violations, in both languages', async () => {
    const officer = await staff(app, 'officer', 'R09-ADM');
    const operator = await staff(app, 'operator', 'KC');
    const { plain } = await types(app);
    const { rows } = await app.ctx.db.raw.executeSql("SELECT ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM districts WHERE code = '09'", []);
    const number = (await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain, { lat: Number(rows[0].lat), lon: Number(rows[0].lon) }) })).json().number as string;
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    for (const [who, paths] of [
      [officer, ['/staff', `/staff/cases/${encodeURIComponent(number)}`]],
      [operator, ['/staff/console', '/staff/console?phone=0888']],
    ] as const) {
      for (const lang of ['bg', 'en']) {
        const ctx = await browser.newContext({ bypassCSP: true });
        const [name, ...rest] = who.cookie.split('=');
        await ctx.addCookies([
          { name: 'lang', value: lang, url: base },
          { name: name!, value: decodeURIComponent(rest.join('=')), url: base },
        ]);
        const page = await ctx.newPage();
        for (const path of paths) {
          await page.goto(base + path);
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
    }
  });
});
