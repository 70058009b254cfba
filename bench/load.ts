import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One load test: where, what, how hard, how long. */
export interface LoadSpec {
  origin: string;
  method: 'GET' | 'POST';
  /** A fixed path, or `paths` to pick one at random per request. */
  path?: string;
  paths?: string[];
  body?: string;
  /** Content type of `body` (default JSON). */
  contentType?: string;
  /** Extra request headers (a session cookie). */
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Paced to this many requests per second in all (latency at a given load); unset: as fast as answered. */
  rate?: number;
  /**
   * Each request as another citizen: its own client address in X-Forwarded-For (the app trusts it
   * from loopback, TRUST_PROXY's default) and CLIENT_TOKEN in the body replaced by a number of its
   * own (an email of its own). The submission limits (40 an hour per address, 5 emails an hour per
   * recipient) then see a city of submitters, as in production, instead of one script.
   */
  perClient?: boolean;
}

/** Replaced in a `perClient` body by the request's own number, e.g. in `bench.BENCHCLIENT@bench.example`. */
export const CLIENT_TOKEN = 'BENCHCLIENT';

/** What autocannon measured for one load test. */
export interface LoadResult {
  /** Average requests per second over the one-second samples. */
  rps: number;
  completed: number;
  sent: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  ok: number;
  statuses: Record<string, number>;
  /** Paced runs: the 99th percentile of how late the generator itself sent a request, ms. */
  lateP99?: number;
}

/** A load generator in a child process; `run` fires one test at a time. */
export interface LoadGenerator {
  run(spec: LoadSpec): Promise<LoadResult>;
  /** Downloads one answer in the generator's process: bytes, GeoJSON features, seconds. */
  download(url: string): Promise<{ bytes: number; features: number; seconds: number; status: number }>;
  close(): Promise<void>;
}

/** Starts autocannon in a child process (with this process's tsx loader). */
export function startLoadGenerator(): LoadGenerator {
  const child = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], { execArgv: process.execArgv, stdio: 'inherit' });
  const pending = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();
  let next = 0;
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  child.on('message', (m: { id: number; result?: never; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.result!);
  });
  child.on('error', failAll);
  child.on('exit', (code) => failAll(new Error(`load generator exited with ${code}`)));
  return {
    run(spec) {
      const id = next++;
      return new Promise<LoadResult>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (r: never) => void, reject });
        child.send({ id, spec });
      });
    },
    download(url) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (r: never) => void, reject });
        child.send({ id, download: url });
      });
    },
    async close() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await gone;
    },
  };
}
