import { describe, expect, test } from 'vitest';
import { isCron, loadConfig } from './config.js';

describe('settings', () => {
  test('CLEANUP_CRON defaults to hourly at :17 and accepts 5-field cron expressions', () => {
    expect(loadConfig({}).cleanupCron).toBe('17 * * * *');
    for (const ok of ['* * * * *', '*/5 * * * *', '0 3 * * mon-fri', '15,45 8-18 1 jan,JUL 0', '0 0 * * 7', '5/15 * * * *']) {
      expect(isCron(ok), ok).toBe(true);
      expect(loadConfig({ CLEANUP_CRON: ok }).cleanupCron).toBe(ok);
    }
  });

  test('a bad CLEANUP_CRON stops the start with the variable named', () => {
    for (const bad of ['', 'hourly', '* * * *', '* * * * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', '5-1 * * * *', '*/0 * * * *', '@hourly']) {
      expect(isCron(bad), bad).toBe(false);
      expect(() => loadConfig({ CLEANUP_CRON: bad }), bad).toThrow(/CLEANUP_CRON: must be a cron expression of 5 fields/);
    }
  });

  test('JOBS_SCHEDULE_CHECK_SECONDS is unset by default and bounded as pg-boss requires', () => {
    expect(loadConfig({}).jobsScheduleCheckSeconds).toBeUndefined();
    expect(loadConfig({ JOBS_SCHEDULE_CHECK_SECONDS: '2' }).jobsScheduleCheckSeconds).toBe(2);
    for (const bad of ['0', '46', 'x']) expect(() => loadConfig({ JOBS_SCHEDULE_CHECK_SECONDS: bad })).toThrow(/JOBS_SCHEDULE_CHECK_SECONDS/);
  });
});

describe('proxies and replicas', () => {
  test('only a proxy on this machine is believed by default; TRUST_PROXY names others or none', () => {
    expect(loadConfig({}).trustProxy).toBe('loopback');
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.0.1.0/24' }).trustProxy).toBe('10.0.0.5, 10.0.1.0/24');
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.5; rm -rf' })).toThrow(/TRUST_PROXY/);
  });

  test('a read replica is used only with a primary server', () => {
    expect(loadConfig({ DATABASE_READ_URL: 'postgres://r/sofia' }).databaseReadUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://p/sofia', DATABASE_READ_URL: 'postgres://r/sofia' }).databaseReadUrl).toBe('postgres://r/sofia');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://p/sofia', DATABASE_READ_URL: 'not a url' })).toThrow(/DATABASE_READ_URL/);
  });
});

describe('perimeter settings', () => {
  test('SESSION_MAX_HOURS defaults to 12 hours and is bounded', () => {
    expect(loadConfig({}).sessionMaxHours).toBe(12);
    expect(loadConfig({ SESSION_MAX_HOURS: '8' }).sessionMaxHours).toBe(8);
    for (const bad of ['0', '721', 'x']) expect(() => loadConfig({ SESSION_MAX_HOURS: bad })).toThrow(/SESSION_MAX_HOURS/);
  });

  test('METRICS_TOKEN is unset by default (loopback only) and must be long enough when set', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
  });
});
