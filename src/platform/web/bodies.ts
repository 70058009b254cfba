import { errorCodes, type FastifyInstance } from 'fastify';

/** The largest url-encoded form body, whatever a route's own limit (which is for its multipart uploads). */
export const FORM_BODY_LIMIT = 1024 * 1024;
/**
 * The largest single value of a form, bytes, the same as a multipart field (the longest text any form
 * takes is 20,000 characters). A larger value is refused as a whole rather than echoed back in
 * the form's error page.
 */
export const FORM_VALUE_LIMIT = 64 * 1024;
/** The most name=value pairs a form may have (the longest form has about sixty fields). */
export const FORM_PAIRS_LIMIT = 1000;

function tooLarge(): Error {
  return new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
}

/**
 * The url-encoded form parser: at most FORM_BODY_LIMIT bytes read from the stream (a route's
 * larger bodyLimit does not apply: routes raise it for multipart), values as strings, a repeated
 * name as a list, no prototype keys.
 */
export function registerFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', (req, payload, done) => {
    const declared = Number(req.headers['content-length']);
    if (declared > FORM_BODY_LIMIT) return done(tooLarge(), undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (err: Error | null, body?: unknown) => {
      if (finished) return;
      finished = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      done(err, body);
    };
    const onData = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += b.length;
      if (size > FORM_BODY_LIMIT) return finish(tooLarge());
      chunks.push(b);
    };
    const onEnd = () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const body: Record<string, string | string[]> = Object.create(null);
      let pairs = 0;
      for (const [k, v] of params) {
        // A body of a million tiny pairs costs nothing to send: refuse it rather than work through it.
        if (++pairs > FORM_PAIRS_LIMIT || Buffer.byteLength(v) > FORM_VALUE_LIMIT) return finish(tooLarge());
        const prev = body[k];
        if (prev === undefined) body[k] = v;
        else if (Array.isArray(prev)) prev.push(v);
        else body[k] = [prev, v];
      }
      finish(null, body);
    };
    const onError = (err: Error) => finish(err);
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}
