import { describe, expect, test } from 'vitest';
import { testApp } from '../../../test/harness.js';
import { signalBody, types } from '../../../test/factories.js';

describe('smoke', () => {
  test('a signal submitted through the API gets a number', async () => {
    const app = await testApp();
    const { plain } = await types(app);
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/cases', payload: signalBody(plain) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().number).toMatch(/^СО\d{2}-КЦ01-\d{6}$/);
  });
});
