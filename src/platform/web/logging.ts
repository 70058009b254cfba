import type { FastifyRequest } from 'fastify';

/**
 * Paths whose segments are keys: the submitter's private link, a signed unsubscribe link, an
 * Open311 token. Whoever reads the log must not be able to open them (GDPR art. 32).
 */
const SECRET_PATHS: [RegExp, string][] = [
  [/^(\/p\/)[^/?#]+/, '$1[redacted]'],
  [/^(\/unsubscribe\/[^/?#]*\/)[^/?#]+/, '$1[redacted]'],
  [/^(\/open311\/v2\/tokens\/)[^/?#]+?(\.json|\.xml)?$/, '$1[redacted]$2'],
];
/** Query parameters that carry keys: reset, verify and email-change links, CSRF tokens, API keys. */
const SECRET_PARAMS = /^(token|_csrf|api_key|apikey|key|mac|secret|password|code)$/i;

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function redactPath(path: string): string {
  for (const [re, to] of SECRET_PATHS) path = path.replace(re, to);
  return path;
}

/** A request URL as it may be logged: keys in paths and query parameters replaced by "[redacted]". */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = redactPath(q < 0 ? url : url.slice(0, q));
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = decode(pair.slice(0, eq));
      if (SECRET_PARAMS.test(name)) return `${pair.slice(0, eq)}=[redacted]`;
      // A return address (the language switch's back=, login's next=) may itself be a private link.
      const value = decode(pair.slice(eq + 1));
      return value.startsWith('/') && redactUrl(value) !== value ? `${pair.slice(0, eq)}=${encodeURIComponent(redactUrl(value))}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

/** Fastify's request log serializer with the URL redacted (the rest as Fastify logs it). */
export function requestForLog(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

const IDENTIFIER_FIELDS = ['schema', 'table', 'column', 'constraint', 'dataType'] as const;

/**
 * An unexpected error as it may be logged: its class, code, database metadata, a message and the
 * stack frames — never the values. drizzle's DrizzleQueryError carries every SQL parameter in its
 * message and `params` (names, emails, texts people typed), and PostgreSQL quotes the offending
 * value in messages such as `invalid input syntax for type integer: "…"`.
 */
export function errorForLog(err: unknown): Record<string, unknown> {
  const e = (err ?? {}) as Record<string, unknown> & { constructor?: { name?: string } };
  const out: Record<string, unknown> = { type: e.constructor?.name ?? typeof err };
  const params = Array.isArray(e.params) ? e.params : [];
  let db = e;
  if (typeof e.query === 'string' && 'params' in e) {
    // The statement text has $n placeholders; literals (a batch inlines them) are blanked anyway.
    out.query = scrubSql(e.query).slice(0, 1000);
    if (e.cause && typeof e.cause === 'object') {
      db = e.cause as typeof e;
      out.cause = db.constructor?.name;
    }
  }
  if (typeof db.code === 'string' || typeof db.code === 'number') out.code = db.code;
  const known = new Set<string>();
  for (const k of IDENTIFIER_FIELDS) {
    if (typeof db[k] === 'string') {
      out[k] = db[k];
      known.add(db[k] as string);
    }
  }
  if (typeof db.routine === 'string') out.routine = db.routine;
  if (typeof db.message === 'string') out.message = scrubMessage(db.message, known, params);
  const stack = typeof e.stack === 'string' ? e.stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  if (stack.length) out.stack = stack.slice(0, 15).join('\n');
  return out;
}

/** String literals of an SQL text blanked. */
function scrubSql(sqlText: string): string {
  return sqlText.replace(/(?:[EeNn])?'(?:[^']|'')*'/g, "'?'").replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "'?'");
}

/** A message with quoted values and known parameter values blanked; identifiers the error names stay. */
function scrubMessage(message: string, identifiers: Set<string>, params: unknown[]): string {
  let m = message.replace(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g, (all, dq: string | undefined, sq: string | undefined) => {
    const inner = dq ?? sq ?? '';
    return identifiers.has(inner) ? all : dq !== undefined ? '"?"' : "'?'";
  });
  for (const p of params) {
    const s = typeof p === 'string' ? p : p instanceof Date ? p.toISOString() : typeof p === 'object' && p !== null ? JSON.stringify(p) : null;
    if (s && s.length >= 3) m = m.split(s).join('?');
  }
  // drizzle's own message ends with "params: …".
  m = m.replace(/\nparams:[\s\S]*$/, '');
  return m.length > 500 ? `${m.slice(0, 500)}…` : m;
}
