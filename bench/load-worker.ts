import autocannon, { type RequestSpec } from 'autocannon';
import type { LoadResult, LoadSpec } from './load.js';

// The load generator is a child process: on the server's event loop it would compete with the code
// under test for the same core, and in a worker thread autocannon skips its own result aggregation.

async function fire(spec: LoadSpec): Promise<LoadResult> {
  const paths = spec.paths;
  // autocannon spreads each request over its defaults: a key set to undefined would erase a default.
  const request: RequestSpec = { method: spec.method, path: paths ? paths[0] : spec.path };
  const headers: Record<string, string> = { ...(spec.headers ?? {}) };
  if (spec.body) {
    request.body = spec.body;
    headers['content-type'] = spec.contentType ?? 'application/json';
  }
  if (Object.keys(headers).length) request.headers = headers;
  // A fresh number per request, so the database reads rows and pages rather than one hot row.
  if (paths) request.setupRequest = (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] });
  const r = await autocannon({
    url: spec.origin,
    connections: spec.connections,
    duration: spec.seconds,
    requests: [request],
    ...(spec.rate ? { overallRate: spec.rate } : {}),
  });
  const statuses: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats)) statuses[code] = s.count;
  return {
    rps: r.requests.average,
    completed: r.requests.total,
    sent: r.requests.sent,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    ok: r['2xx'],
    statuses,
  };
}

process.on('message', (msg: { id: number; spec: LoadSpec }) => {
  fire(msg.spec).then(
    (result) => process.send!({ id: msg.id, result }),
    (err: unknown) => process.send!({ id: msg.id, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  );
});
// The parent going away, even by a crash, ends the generator too.
process.on('disconnect', () => process.exit(0));
