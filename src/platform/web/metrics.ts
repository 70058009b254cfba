import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';
import { isLoopback } from './guards.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** A scraper's `Authorization: Bearer <token>` matches the setting (compared in constant time). */
function bearerOk(req: FastifyRequest, token: string | undefined): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!token || !m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}

/**
 * Request counts and latency histograms per route, exposed as Prometheus text at /metrics:
 * to this machine (loopback), or to a scraper with METRICS_TOKEN. Route names, volumes and
 * timings help an attacker plan and are nobody else's business.
 */
export function registerMetrics(app: FastifyInstance, opts: { token?: string }, extra: () => Promise<Record<string, number>>): void {
  const counts = new Map<string, number>();
  const hist = new Map<string, { buckets: number[]; sum: number; count: number }>();
  const started = Date.now();
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const key = `method="${req.method}",route="${route}",status="${reply.statusCode}"`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const secs = reply.elapsedTime / 1000;
    const hk = `method="${req.method}",route="${route}"`;
    let h = hist.get(hk);
    if (!h) hist.set(hk, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => {
      if (secs <= b) h!.buckets[i]!++;
    });
    h.sum += secs;
    h.count++;
  });
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!isLoopback(req.ip) && !bearerOk(req, opts.token)) throw new AppError('FORBIDDEN');
    const lines: string[] = [];
    lines.push('# HELP http_requests_total HTTP requests by route and status.', '# TYPE http_requests_total counter');
    for (const [k, v] of counts) lines.push(`http_requests_total{${k}} ${v}`);
    lines.push('# HELP http_request_duration_seconds Request latency.', '# TYPE http_request_duration_seconds histogram');
    for (const [k, h] of hist) {
      BUCKETS.forEach((b, i) => lines.push(`http_request_duration_seconds_bucket{${k},le="${b}"} ${h.buckets[i]}`));
      lines.push(`http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
      lines.push(`http_request_duration_seconds_sum{${k}} ${h.sum}`, `http_request_duration_seconds_count{${k}} ${h.count}`);
    }
    const mem = process.memoryUsage();
    lines.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`);
    lines.push('# TYPE process_uptime_seconds gauge', `process_uptime_seconds ${(Date.now() - started) / 1000}`);
    for (const [name, v] of Object.entries(await extra())) lines.push(`# TYPE ${name} gauge`, `${name} ${v}`);
    reply.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
  });
}
