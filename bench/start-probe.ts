/**
 * A second start of the platform on an existing embedded database, as `npm start` does it, in a
 * process of its own: reports how long until it answers and, on request, its resident memory.
 * Usage (by bench/run.ts): fork bench/start-probe.ts <DATA_DIR>
 */
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const started = performance.now();
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: start-probe.ts <DATA_DIR>');
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO: '0', PORT: '0', HOST: '127.0.0.1', PUBLIC_BASE_URL: 'http://bench.local' });
const app = await buildApp({ config, logger: false });
const origin = await app.app.listen({ host: '127.0.0.1', port: 0 });
const res = await fetch(`${origin}/health`);
const readySeconds = (performance.now() - started) / 1000;
if (!res.ok) throw new Error(`/health answered ${res.status}`);

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
process.send!({ type: 'ready', origin, readySeconds, rss: process.memoryUsage().rss });
process.on('message', async (m: { type: string }) => {
  if (m.type === 'rss') process.send!({ type: 'rss', rss: process.memoryUsage().rss, peak });
  if (m.type === 'stop') {
    clearInterval(sampler);
    await app.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
