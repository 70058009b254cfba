import { describe, expect, test } from 'vitest';
import { testApp } from '../test/harness.js';

describe('the platform around the pages', () => {
  test('an unknown page is a friendly 404 in the reader’s language, JSON under /api', async () => {
    const { app } = await testApp();
    const bg = await app.inject({ url: '/no-such-page' });
    expect(bg.statusCode).toBe(404);
    expect(bg.body).toContain('Страницата не е намерена');
    const en = await app.inject({ url: '/no-such-page', cookies: { lang: 'en' } });
    expect(en.body).toContain('Page not found');
    const api = await app.inject({ url: '/api/v1/nothing' });
    expect(api.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Страницата не е намерена.' } });
  });

  test('the language switch remembers the choice and only returns to local pages', async () => {
    const { app } = await testApp();
    const ok = await app.inject({ url: '/lang/en?back=%2Fsignals%2Fnew' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/signals/new');
    expect(String(ok.headers['set-cookie'])).toContain('lang=en');
    for (const evil of ['https://evil.example', '//evil.example', '/\\evil.example']) {
      const res = await app.inject({ url: `/lang/bg?back=${encodeURIComponent(evil)}` });
      expect(res.headers.location, evil).toBe('/');
    }
  });

  test('pages carry security headers; health and metrics answer', async () => {
    const { app } = await testApp();
    const home = await app.inject({ url: '/' });
    expect(home.headers['content-security-policy']).toContain("script-src 'self'");
    expect(home.headers['x-content-type-options']).toBe('nosniff');
    expect(home.body).not.toMatch(/<script>(?!<\/script>)/);
    expect((await app.inject({ url: '/health' })).json().status).toBe('ok');
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('http_requests_total{method="GET",route="/"');
    expect(metrics.body).toMatch(/sofia_cases_total \d+/);
  });

  test('static assets and the map library are served', async () => {
    const { app } = await testApp();
    expect((await app.inject({ url: '/static/css/app.css' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/static/js/map.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/vendor/leaflet/leaflet.js' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/static/../package.json' })).statusCode).toBe(404);
  });
});
