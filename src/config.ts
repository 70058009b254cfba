import { resolve } from 'node:path';
import { z } from 'zod';

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
  AUTH_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe('Key that signs session cookies and form stamps (32+ characters). When unset, one is generated once and kept in the database.'),
  TERMS_VERSION: z.string().default('2026-01').describe('Version of the terms of use a new account accepts; recorded with the account.'),
  FORM_MIN_SECONDS: z.coerce.number().min(0).max(60).default(3).describe('Bot protection: a registration or recovery form sent sooner than this after it was shown is refused.'),
  ACCOUNT_RELEASE_DAYS: z.coerce.number().int().min(0).max(3650).default(180).describe('After an account is closed, its username and email stay reserved this many days.'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
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
  authSecret?: string;
  termsVersion: string;
  formMinSeconds: number;
  accountReleaseDays: number;
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
    authSecret: e.AUTH_SECRET,
    termsVersion: e.TERMS_VERSION,
    formMinSeconds: e.FORM_MIN_SECONDS,
    accountReleaseDays: e.ACCOUNT_RELEASE_DAYS,
    ...overrides,
  };
}

/** The settings and their descriptions, for the README and `--help`. */
export const settingsDoc = Object.entries(Env.shape).map(([name, schema]) => ({
  name,
  description: (schema as z.ZodType).description ?? '',
}));
