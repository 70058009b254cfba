import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../../src/app.js';
import { baseUrl, testApp } from '../harness.js';
import { browserAvailable, launchChromium } from './chromium.js';
import { citizen, pdf } from '../accounts.factories.js';

const available = browserAvailable();

describe.skipIf(!available)('a registered citizen in Chromium', () => {
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

  /** Opens the newest email to `to` in the development mailbox and follows its link to `path`. */
  async function followMail(page: Page, to: string, path: string): Promise<void> {
    await page.goto(`${base}/dev/mailbox`);
    await page.locator('tr', { hasText: to }).first().getByRole('link').click();
    const href = await page.locator(`pre.mail-text a[href*="${path}"]`).first().getAttribute('href');
    const u = new URL(href!);
    await page.goto(base + u.pathname + u.search);
  }

  test('register → email → verify → log in → send a letter with a file → see it under My signals → log out', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await ctx.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const id = Date.now().toString(36);
    const email = `browser.${id}@example.bg`;
    const username = `browser_${id}`;

    await page.goto(base + '/');
    await page.getByRole('link', { name: 'Регистрация' }).click();
    await page.getByLabel('Потребителско име *', { exact: true }).fill(username);
    await page.getByLabel('Парола *', { exact: true }).fill('Borisova-gradina-7');
    await page.getByLabel('Повторете паролата *', { exact: true }).fill('Borisova-gradina-7');
    await page.getByLabel('Име *', { exact: true }).fill('Петя');
    await page.getByLabel('Фамилия *', { exact: true }).fill('Димитрова');
    await page.getByLabel('Имейл *', { exact: true }).fill(email);
    await page.getByLabel('Телефон *', { exact: true }).fill('0888 765 432');
    await page.getByLabel(/Приемам общите условия/).check();
    // A person takes longer than the bot threshold to fill the form in.
    await page.waitForTimeout((app.ctx.config.formMinSeconds + 0.5) * 1000);
    await page.getByRole('button', { name: 'Регистрация' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Проверете имейла си');

    await followMail(page, email, '/verify-email');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Имейлът е потвърден');
    await page.getByRole('link', { name: 'Вход' }).last().click();

    // Asking for a page that needs an account lands on the login, then back on that page.
    await page.goto(base + '/documents/new');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Вход');
    await page.getByLabel('Потребителско име или имейл *', { exact: true }).fill(username);
    await page.getByLabel('Парола *', { exact: true }).fill('Borisova-gradina-7');
    await page.getByRole('button', { name: 'Вход' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Писмо, жалба, предложение или заявление');

    await page.getByLabel('Жалба', { exact: true }).check();
    await page.getByLabel('Адресат *', { exact: true }).selectOption({ label: 'Дирекция „Транспорт“' });
    await page.getByLabel('Относно *', { exact: true }).fill('Неправилно паркирани коли на ул. „Граф Игнатиев“');
    await page.getByLabel('Текст *', { exact: true }).fill('Всеки ден автомобили блокират тротоара пред училището.');
    const file = join(mkdirSync(join(tmpdir(), `sofia-${id}`), { recursive: true }) ?? join(tmpdir(), `sofia-${id}`), 'снимки.pdf');
    writeFileSync(file, pdf());
    await page.getByLabel('Приложения', { exact: true }).setInputFiles(file);
    await page.getByRole('button', { name: 'Подай документа' }).click();
    await expect.poll(() => page.locator('.notice.success h2').textContent()).toBe('Документът е регистриран');
    const number = (await page.locator('.big-number').textContent())!.trim();
    expect(number).toMatch(/^СО\d\d-КЦ04-\d{6}$/);
    expect(await page.locator('main').textContent()).toContain('снимки.pdf');

    // The username menu at the top right leads to My signals.
    await page.locator('.user-menu summary').click();
    await page.getByRole('link', { name: 'Моите сигнали' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Моите сигнали');
    await page.getByRole('link', { name: number }).waitFor();
    expect(await page.locator('table.list').textContent()).toContain('Неправилно паркирани коли');

    await page.locator('.user-menu summary').click();
    await page.getByRole('button', { name: 'Изход' }).click();
    await page.getByRole('link', { name: 'Вход' }).first().waitFor();
    await page.goto(base + '/my/cases');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Вход');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  test('the account pages have no WCAG 2.1 A/AA violations, in both languages', async () => {
    const u = await citizen(app);
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const cookieValue = u.cookie.split('=').slice(1).join('=');
    const cookieName = u.cookie.split('=')[0]!;
    for (const lang of ['bg', 'en']) {
      for (const [paths, loggedIn] of [
        [['/register', '/login', '/forgot-password', '/forgot-username', '/terms'], false],
        [['/account', '/account/close', '/my/cases', '/my/subscriptions', '/documents/new'], true],
      ] as const) {
        const ctx = await browser.newContext({ bypassCSP: true });
        const cookies = [{ name: 'lang', value: lang, url: base }];
        if (loggedIn) cookies.push({ name: cookieName, value: decodeURIComponent(cookieValue), url: base });
        await ctx.addCookies(cookies);
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
          if (loggedIn) expect(await page.locator('h1').textContent(), path).not.toMatch(/^(Вход|Log in)$/);
        }
        await ctx.close();
      }
    }
  });
});
