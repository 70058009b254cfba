import { resolve } from 'node:path';
import { z } from 'zod';

const CRON_FIELDS: { min: number; max: number; names?: string[] }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is Sunday as well as 0, as in cron-parser, which pg-boss uses.
  { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** Whether `s` is a standard 5-field cron expression (minute hour day-of-month month day-of-week). */
export function isCron(s: string): boolean {
  const fields = s.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  return fields.every((field, i) => {
    const { min, max, names } = CRON_FIELDS[i]!;
    const value = (v: string): number | null => {
      const n = names?.indexOf(v.toLowerCase()) ?? -1;
      if (n >= 0) return n + (i === 3 ? 1 : 0);
      return /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? Number(v) : null;
    };
    return field.split(',').every((part) => {
      const m = /^(\*|([a-z0-9]+)(?:-([a-z0-9]+))?)(?:\/(\d+))?$/i.exec(part);
      if (!m) return false;
      if (m[4] !== undefined && !(Number(m[4]) >= 1 && Number(m[4]) <= max)) return false;
      if (m[1] === '*') return true;
      const from = value(m[2]!);
      const to = m[3] === undefined ? from : value(m[3]);
      return from !== null && to !== null && from <= to;
    });
  });
}

/**
 * Every setting the platform reads from the environment, validated once at start-up.
 * The README's settings table mirrors the descriptions below.
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port to listen on.'),
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on.'),
  DATA_DIR: z.string().default('./data').describe('Where the embedded database, uploaded files and photos are kept.'),
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .describe('PostgreSQL >= 15 with PostGIS 3. When unset, the embedded PGlite database under DATA_DIR is used.'),
  DATABASE_READ_URL: z
    .string()
    .url()
    .optional()
    .describe('A streaming replica of DATABASE_URL for read-only public routes (map, lists, overview, exports, Open311 reads, directory). Default: the primary.'),
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]+$/)
    .default('loopback')
    .describe('Which reverse proxies may tell the client address (X-Forwarded-For): "loopback" (default), addresses or CIDRs separated by commas, "true" (any) or "false" (none).'),
  PUBLIC_BASE_URL: z
    .string()
    .url()
    .optional()
    .describe('The address citizens use, for links in emails. Default: http://localhost:PORT.'),
  SMTP_URL: z
    .string()
    .optional()
    .describe('smtp://user:pass@host:port for outgoing mail. When unset, mail goes to the outbox at /dev/mailbox.'),
  MAIL_FROM: z.string().default('Столична община <no-reply@sofia.bg>').describe('Sender of outgoing mail.'),
  TILE_URL: z
    .string()
    .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png')
    .describe('Map tile URL template.'),
  TILE_ATTRIBUTION: z.string().default('© OpenStreetMap contributors').describe('Attribution shown on the map.'),
  DEMO: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .describe('Seed demo data at first start (default: on for the embedded database, off for a server).'),
  DEMO_SIGNALS: z.coerce.number().int().min(0).max(200000).default(1000).describe('How many demo signals the first start seeds.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level.'),
  JOBS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('pgboss')
    .describe('Database schema of the job queue; separate deployments sharing one database need different ones.'),
  JOBS: z.enum(['0', '1']).default('1').describe('Run background job workers in this process (1) or not (0).'),
  JOBS_SCHEDULE_CHECK_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(45)
    .optional()
    .describe('How often (1–45 s) the job queue looks for due schedules and hands them to a worker (default 30 s and 5 s); short values are for tests.'),
  CLEANUP_CRON: z
    .string()
    .default('17 * * * *')
    .refine(isCron, 'must be a cron expression of 5 fields: minute hour day-of-month month day-of-week')
    .describe('When the clean-up runs (ended sessions, expired links, old rate-limit windows and job runs), as a 5-field cron in Sofia time; once per time for all instances (default 17 * * * *: hourly at :17).'),
  DEADLINES_CRON: z
    .string()
    .default('*/15 * * * *')
    .refine(isCron, 'must be a cron expression of 5 fields: minute hour day-of-month month day-of-week')
    .describe('When the legal-clock sweep runs (reminders two working days before a due date, on it, escalation the day after, ЗДОИ requests left without consideration after 30 days paused), as a 5-field cron in Sofia time; once per time for all instances (default */15 * * * *: every 15 minutes).'),
  DEADLINES_DIGEST_CRON: z
    .string()
    .default('0 7 * * *')
    .refine(isCron, 'must be a cron expression of 5 fields: minute hour day-of-month month day-of-week')
    .describe('When officers and managers get the daily digest of their unit\'s deadlines (at most one a day each), as a 5-field cron in Sofia time (default 0 7 * * *: 07:00; nothing on non-working days).'),
  AUTH_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe('Key that signs session cookies and form stamps (32+ characters). When unset, one is generated once and kept in the database.'),
  TERMS_VERSION: z.string().default('2026-01').describe('Version of the terms of use a new account accepts; recorded with the account.'),
  FORM_MIN_SECONDS: z.coerce.number().min(0).max(60).default(3).describe('Bot protection: a registration or recovery form sent sooner than this after it was shown is refused.'),
  ACCOUNT_RELEASE_DAYS: z.coerce.number().int().min(0).max(3650).default(180).describe('After an account is closed, its username and email stay reserved this many days.'),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 30)
    .default(12)
    .describe('A session ends this many hours after login however active it is (besides the 60-minute idle limit); default 12.'),
  METRICS_TOKEN: z
    .preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'must be at least 16 characters').optional())
    .describe('A scraper sending "Authorization: Bearer <token>" may read /metrics (16+ characters). Without it, /metrics answers only requests from this machine (loopback).'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  databaseReadUrl?: string;
  /** Fastify's trustProxy: whose X-Forwarded-For is believed (rate limits key on the client address). */
  trustProxy: boolean | string;
  publicBaseUrl: string;
  smtpUrl?: string;
  mailFrom: string;
  tileUrl: string;
  tileAttribution: string;
  demo: boolean;
  demoSignals: number;
  logLevel: string;
  jobs: boolean;
  jobsSchema: string;
  /** pg-boss's schedule check and hand-over intervals, seconds; unset keeps pg-boss's defaults. */
  jobsScheduleCheckSeconds?: number;
  cleanupCron: string;
  /** When the legal-clock sweep runs (issue 12), a cron in Sofia time. */
  deadlinesCron: string;
  /** When the daily deadline digest goes out, a cron in Sofia time. */
  deadlinesDigestCron: string;
  authSecret?: string;
  termsVersion: string;
  formMinSeconds: number;
  accountReleaseDays: number;
  /** Maximum session lifetime in hours, counted from login (AC-4 adds the 60-minute idle limit). */
  sessionMaxHours: number;
  /** Bearer token that opens /metrics to a scraper; unset: loopback only. */
  metricsToken?: string;
}

function proxyTrust(v: string): boolean | string {
  const t = v.trim();
  if (t === 'true') return true;
  if (t === 'false' || t === '') return false;
  return t;
}

/** Reads and validates the environment; throws with the offending variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid settings:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const demo = e.DEMO === undefined ? !e.DATABASE_URL : e.DEMO === '1' || e.DEMO === 'true';
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_URL ? e.DATABASE_READ_URL : undefined,
    trustProxy: proxyTrust(e.TRUST_PROXY),
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    tileUrl: e.TILE_URL,
    tileAttribution: e.TILE_ATTRIBUTION,
    demo,
    demoSignals: e.DEMO_SIGNALS,
    logLevel: e.LOG_LEVEL,
    jobs: e.JOBS === '1',
    jobsSchema: e.JOBS_SCHEMA,
    jobsScheduleCheckSeconds: e.JOBS_SCHEDULE_CHECK_SECONDS,
    cleanupCron: e.CLEANUP_CRON.trim(),
    deadlinesCron: e.DEADLINES_CRON.trim(),
    deadlinesDigestCron: e.DEADLINES_DIGEST_CRON.trim(),
    authSecret: e.AUTH_SECRET,
    termsVersion: e.TERMS_VERSION,
    formMinSeconds: e.FORM_MIN_SECONDS,
    accountReleaseDays: e.ACCOUNT_RELEASE_DAYS,
    sessionMaxHours: e.SESSION_MAX_HOURS,
    metricsToken: e.METRICS_TOKEN || undefined,
    ...overrides,
  };
}

/** The settings and their descriptions, for the README and `--help`. */
export const settingsDoc = Object.entries(Env.shape).map(([name, schema]) => ({
  name,
  description: (schema as z.ZodType).description ?? '',
}));
