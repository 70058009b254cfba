import { loadConfig } from './config.js';
import { buildApp } from './app.js';
import { DEMO_LOGINS } from './modules/accounts/index.js';
import { DEMO_API_KEY } from './modules/open311/index.js';
import { mailboxEnabled } from './platform/mail/mailbox.routes.js';

/** Starts the platform: `npm start`. */
async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const { app, close } = await buildApp({ config });
  await app.listen({ port: config.port, host: config.host });
  const url = config.publicBaseUrl;
  const db = config.databaseUrl ? 'PostgreSQL server (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}/pglite`;
  const lines = [
    '',
    `  Sofia citizen services are ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  ➜  ${url}`,
    `  database: ${db}`,
    config.smtpUrl ? '  mail: SMTP' : mailboxEnabled(config) ? `  mail: development mailbox at ${url}/dev/mailbox (this machine and administrators only)` : '  mail: NOT SENT',
    `  API: ${url}/docs/api  (OpenAPI: ${url}/openapi.json)`,
  ];
  // Without SMTP nothing leaves the outbox: confirmations, password links, notifications.
  if (!config.smtpUrl) lines.push('', '  WARNING: SMTP_URL is not set: emails are not sent, they stay queued in the outbox (see /health).');
  if (config.demo) {
    lines.push('  demo data: on (demo signals over the last 90 days)', '  demo logins (demo mode only):');
    for (const d of DEMO_LOGINS) lines.push(`    ${d.role.padEnd(8)} ${d.username} / ${d.password}`);
    lines.push(`  Open311: ${url}/open311/v2/discovery.json  demo api_key: ${DEMO_API_KEY}`);
  }
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    await close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
