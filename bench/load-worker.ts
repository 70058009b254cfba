import http from 'node:http';
import autocannon, { type RequestSpec } from 'autocannon';
import { CLIENT_TOKEN, type LoadResult, type LoadSpec } from './load.js';

// The load generator is a child process: on the server's event loop it would compete with the code
// under test for the same core, and in a worker thread autocannon skips its own result aggregation.

/**
 * Requests at a steady rate over at most `connections` kept-alive sockets, each timed from when
 * it was handed to the sockets (waiting for a free one counts), so a server stall shows in the
 * latency instead of hiding as fewer requests. This process's own delays in sending (its timers
 * and GC on a shared 2-core machine) are not the server's: they are measured apart as lateness.
 * autocannon's own pacing releases each second's quota in a burst at the start of the second,
 * which measures the burst rather than the load.
 */
// Client numbers from a random start, so runs against one database within the hour do not meet.
let clientSeq = Math.floor(Math.random() * 0x800000);

/** The next simulated citizen: an address of 10.0.0.0/8 and the body with its own number. */
function nextClient(body: string | undefined): { ip: string; body: string | undefined } {
  const n = (clientSeq = (clientSeq + 1) % 0x1000000);
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  return { ip, body: body?.split(CLIENT_TOKEN).join(String(n)) };
}

async function paced(spec: LoadSpec, rate: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const url = new URL(spec.origin);
  const headers: Record<string, string> = { ...(spec.headers ?? {}) };
  if (spec.body) headers['content-type'] = spec.contentType ?? 'application/json';
  const latencies: number[] = [];
  const lateness: number[] = [];
  let inWindow = 0;
  const statuses: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let sent = 0;
  const interval = 1000 / rate;
  const start = performance.now();
  const end = start + spec.seconds * 1000;
  const inFlight = new Set<Promise<void>>();
  const pending = new Set<{ req: http.ClientRequest; handed: number }>();
  const one = (due: number) => {
    const path = spec.paths ? spec.paths[Math.floor(Math.random() * spec.paths.length)]! : spec.path!;
    sent++;
    const handed = performance.now();
    lateness.push(handed - due);
    const client = spec.perClient ? nextClient(spec.body) : null;
    const body = client ? client.body : spec.body;
    const p = new Promise<void>((resolve) => {
      const req = http.request({ host: url.hostname, port: url.port, method: spec.method, path, headers: client ? { ...headers, 'x-forwarded-for': client.ip } : headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          const done = performance.now();
          latencies.push(done - handed);
          if (done <= end) inWindow++;
          statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
          resolve();
        });
      });
      const entry = { req, handed };
      pending.add(entry);
      req.on('close', () => pending.delete(entry));
      req.on('error', (err) => {
        if (err.message === 'timeout') timeouts++;
        else errors++;
        resolve();
      });
      if (body) req.write(body);
      req.end();
    });
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  };
  // A request not answered 10 s after it was due counts as a timeout: past that the server is
  // only working through a backlog, and waiting for it would measure the backlog's length.
  const deadline = setInterval(() => {
    for (const r of pending) if (performance.now() - r.handed > 10_000) r.req.destroy(new Error('timeout'));
  }, 250);
  let next = start;
  while (next < end) {
    const now = performance.now();
    while (next <= now && next < end) {
      one(next);
      next += interval;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, next - performance.now()))));
  }
  await Promise.all(inFlight);
  clearInterval(deadline);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  const q = (f: number, xs = latencies) => (xs.length ? Math.round(xs[Math.min(xs.length - 1, Math.floor(f * xs.length))]!) : 0);
  const ok = Object.entries(statuses).reduce((n, [code, c]) => n + (code.startsWith('2') ? c : 0), 0);
  return {
    rps: inWindow / spec.seconds,
    completed: latencies.length,
    sent,
    p50: q(0.5),
    p99: q(0.99),
    errors: errors + timeouts,
    timeouts,
    non2xx: latencies.length - ok,
    ok,
    statuses,
    lateP99: q(0.99, lateness),
  };
}

async function fire(spec: LoadSpec): Promise<LoadResult> {
  if (spec.rate) return paced(spec, spec.rate);
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
  // Each submission from its own citizen (see LoadSpec.perClient).
  if (spec.perClient) {
    request.setupRequest = (req) => {
      const client = nextClient(spec.body);
      return { ...req, body: client.body, headers: { ...(req.headers ?? {}), 'x-forwarded-for': client.ip } };
    };
  }
  const r = await autocannon({
    url: spec.origin,
    connections: spec.connections,
    duration: spec.seconds,
    requests: [request],
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

/** Downloads a (streamed) answer, counting its bytes and GeoJSON features, as an export's user would. */
async function download(url: string): Promise<{ bytes: number; features: number; seconds: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  let bytes = 0;
  let features = 0;
  let tail = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    const text = tail + decoder.decode(chunk, { stream: true });
    features += text.split('"type":"Feature"').length - 1;
    tail = text.slice(-20);
  }
  return { bytes, features, seconds: (performance.now() - t0) / 1000, status: res.status };
}

process.on('message', (msg: { id: number; spec?: LoadSpec; download?: string }) => {
  (msg.download ? download(msg.download) : fire(msg.spec!)).then(
    (result) => process.send!({ id: msg.id, result }),
    (err: unknown) => process.send!({ id: msg.id, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  );
});
// The parent going away, even by a crash, ends the generator too.
process.on('disconnect', () => process.exit(0));
