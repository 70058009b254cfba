import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../../src/app.js';
import { users } from '../../src/platform/auth/index.js';
import { endOfSofiaDay, loadCalendar, sofiaDay } from '../../src/platform/calendar/index.js';
import { formatDate } from '../../src/platform/i18n/index.js';
import { units } from '../../src/modules/catalog/catalog.tables.js';
import { cases, registerDocument } from '../../src/modules/cases/index.js';
import { caseClocks } from '../../src/modules/deadlines/index.js';
import { baseUrl, clock, testApp } from '../harness.js';
import { browserAvailable, launchChromium } from './chromium.js';
import { citizen, staff } from '../accounts.factories.js';
import { signalBody, types } from '../factories.js';

const available = browserAvailable();
const STAFF_PASSWORD = 'Sluzhebna-parola-2026';

/**
 * Issue 12 in a browser: an officer sees "просрочен" on a case in the inbox, extends a
 * public-information request with a reason, and the applicant's page shows the new date; the
 * public overview shows the unit's share answered within the legal deadline.
 */
describe.skipIf(!available)('legal clocks in Chromium', () => {
  let app: App;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    app = await testApp();
    clock.set(null);
    base = await baseUrl(app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function loggedIn(username: string, password: string, start: string): Promise<{ page: Page; close: () => Promise<void>; errors: string[] }> {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await ctx.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base + start);
    await page.getByLabel('Потребителско име или имейл', { exact: false }).fill(username);
    await page.getByLabel('Парола *', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Вход' }).click();
    return { page, close: () => ctx.close(), errors };
  }

  test('an overdue request is marked in the inbox and can no longer be extended; the officer extends another with a reason; the applicant sees the new date; the overview shows the on-time share', async () => {
    const orm = app.ctx.db.orm;
    // Vitosha's district administration, which no other browser test uses.
    const [unit] = await orm.select({ id: units.id }).from(units).where(eq(units.code, 'R23-ADM'));
    const applicant = await citizen(app);
    const [u] = await orm.select({ id: users.id }).from(users).where(eq(users.email, applicant.email));
    const request = async (subject: string) =>
      (
        await registerDocument(
          app.ctx,
          { userId: u!.id, name: 'Елена Иванова', email: applicant.email, phone: null, address: null, locale: 'bg', firstName: 'Елена' },
          { kind: 'info_request', subject, description: `Моля, предоставете: ${subject}.`, unitId: unit!.id },
          [],
          'phone',
        )
      ).number;
    const number = await request('Договори за снегопочистване');
    const fresh = await request('Договори за озеленяване');
    // Two days past its due date, as if registered weeks ago.
    const today = sofiaDay(new Date());
    const overdueOn = new Date(Date.parse(`${today}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10);
    const [c] = await orm.select({ id: cases.id }).from(cases).where(eq(cases.regNumber, number));
    await orm.update(caseClocks).set({ dueOn: overdueOn, dueAt: endOfSofiaDay(overdueOn) }).where(and(eq(caseClocks.caseId, c!.id), eq(caseClocks.code, 'decision')));
    await orm.update(cases).set({ dueAt: endOfSofiaDay(overdueOn) }).where(eq(cases.id, c!.id));
    const cal = await loadCalendar(orm);
    // ЗДОИ art. 30: the 14 days themselves are lengthened by 10, and only then moved off a non-working day.
    const newDue = cal.periodEnd(cal.addCalendarDays(cal.addCalendarDays(today, 14), 10));
    const newDueText = formatDate(endOfSofiaDay(newDue), 'bg');

    const officer = await staff(app, 'officer', 'R23-ADM');
    const o = await loggedIn(officer.username, STAFF_PASSWORD, '/staff');
    await expect.poll(() => o.page.locator('h1').textContent()).toMatch(/^Входяща кутия/);
    // The inbox counts it and marks its row.
    expect(await o.page.locator('.status-counts').first().textContent()).toMatch(/Просрочени\s*:\s*[1-9]/);
    await o.page.getByRole('link', { name: 'Просрочени' }).click();
    const row = o.page.locator('tr', { hasText: number });
    await row.waitFor();
    expect(await row.textContent()).toContain('просрочен');

    // The case page: the clock, its legal source, and the extension.
    await row.getByRole('link', { name: number }).click();
    await expect.poll(() => o.page.locator('h1').textContent()).toBe(number);
    const clocks = o.page.locator('ul.clocks');
    expect(await clocks.textContent()).toContain('просрочен');
    expect(await clocks.textContent()).toContain('Основание: чл. 28, ал. 1 ЗДОИ');
    // Past its end a period is neither extended nor suspended (ЗДОИ art. 29–31): no such forms.
    expect(await o.page.getByRole('button', { name: 'Удължи срока' }).count()).toBe(0);
    expect(await o.page.getByRole('button', { name: 'Поискай уточнение' }).count()).toBe(0);

    // The other request, still within its 14 days: extended with a reason.
    await o.page.goto(`${base}/staff/cases/${encodeURIComponent(fresh)}`);
    await expect.poll(() => o.page.locator('h1').textContent()).toBe(fresh);
    await o.page.getByLabel('Основание за удължаване *').selectOption('volume');
    await o.page.getByLabel('Брой дни *').fill('10');
    await o.page.getByLabel('Причина *').fill('Исканите договори са в архива на района, в над 30 папки');
    await o.page.getByRole('button', { name: 'Удължи срока' }).click();
    await o.page.getByText('Готово: промяната е записана.').waitFor();
    const after = await o.page.locator('ul.clocks').textContent();
    expect(after).toContain(newDueText);
    expect(after).toContain('удължен с 10 дни');
    expect(after).not.toContain('просрочен');
    expect(await o.page.locator('ol.history').textContent()).toContain('Исканите договори са в архива на района');
    expect(o.errors).toEqual([]);

    // The applicant's page shows the new date and the reason.
    const a = await loggedIn(applicant.username, applicant.password, `/documents/${encodeURIComponent(fresh)}`);
    await expect.poll(() => a.page.locator('h1').textContent()).toBe(fresh);
    expect(await a.page.locator('.expected-answer').textContent()).toBe(`Очаквайте отговор до ${newDueText}`);
    expect(await a.page.locator('main').textContent()).toContain('Исканите договори са в архива на района');
    await a.page.goto(base + '/my/cases');
    expect(await a.page.locator('tr', { hasText: fresh }).textContent()).toContain(`Очаквайте отговор до ${newDueText}`);
    expect(a.errors).toEqual([]);
    await a.close();

    // A signal from Vitosha answered within its legal deadline: the overview's share for the unit.
    const { plain } = await types(app);
    const { rows } = await app.ctx.db.raw.executeSql("SELECT ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon FROM districts WHERE code = '23'", []);
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain, { lat: Number(rows[0].lat), lon: Number(rows[0].lon), name: 'Иван Петров', email: `ivan.${Date.now()}@example.bg` }) });
    const signal = res.json().number as string;
    const [s] = await orm.select({ unitId: cases.unitId }).from(cases).where(eq(cases.regNumber, signal));
    const [su] = await orm.select({ code: units.code, name: units.nameBg }).from(units).where(eq(units.id, s!.unitId!));
    const answerer = await staff(app, 'officer', su!.code);
    const b = await loggedIn(answerer.username, STAFF_PASSWORD, `/staff/cases/${encodeURIComponent(signal)}`);
    await expect.poll(() => b.page.locator('h1').textContent()).toBe(signal);
    await b.page.getByLabel('Публичен отговор *').fill('Гумите са извозени.');
    await b.page.getByLabel('Статус след отговора').selectOption({ label: 'Приключен' });
    await b.page.getByRole('button', { name: 'Запиши' }).first().click();
    await b.page.getByText('Готово: промяната е записана.').waitFor();
    expect(await b.page.locator('ul.clocks').textContent()).toContain('приключен навреме');

    await b.page.goto(`${base}/overview?period=30&district=23`);
    const unitRow = b.page.locator('#units-h ~ div table tr', { hasText: su!.name });
    await unitRow.waitFor();
    expect(await unitRow.textContent()).toMatch(/100 % \(\d+ от \d+\)/);
    expect(await b.page.locator('main').textContent()).toContain('Отговорени в законовия срок');
    expect(b.errors).toEqual([]);
    await b.close();
    await o.close();
  });

  test('the deadline pieces have no WCAG 2.1 A/AA violations, in both languages', async () => {
    const officer = await staff(app, 'officer', 'R23-ADM');
    const [unit] = await app.ctx.db.orm.select({ id: units.id }).from(units).where(eq(units.code, 'R23-ADM'));
    const applicant = await citizen(app);
    const [u] = await app.ctx.db.orm.select({ id: users.id }).from(users).where(eq(users.email, applicant.email));
    const { number } = await registerDocument(
      app.ctx,
      { userId: u!.id, name: 'Елена Иванова', email: applicant.email, phone: null, address: null, locale: 'bg', firstName: 'Елена' },
      { kind: 'info_request', subject: 'Заявление', description: 'Текст', unitId: unit!.id },
      [],
      'phone',
    );
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    for (const [who, paths] of [
      [officer, ['/staff?sort=due', `/staff/cases/${encodeURIComponent(number)}`]],
      [applicant, [`/documents/${encodeURIComponent(number)}`, '/my/cases']],
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
