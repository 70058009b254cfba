import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors/index.js';
import { fieldIssueOfZod } from '../errors/validation.js';

/** Maps framework and driver errors to the platform's codes. */
export function toAppError(err: unknown, req?: { body?: unknown; query?: unknown; params?: unknown }): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => {
      const path = v.instancePath.split('/').filter(Boolean);
      const field = [...path].filter(Boolean).join('.') || (err.validationContext ?? 'body');
      const source = err.validationContext === 'querystring' ? req?.query : err.validationContext === 'params' ? req?.params : req?.body;
      return fieldIssueOfZod({ code: v.keyword, path, message: v.message, ...(v.params as object) } as never, source, field);
    });
    return new AppError('VALIDATION', { issues });
  }
  const e = err as { code?: string; statusCode?: number };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('VALIDATION', { issues: [{ field: 'body', code: 'FIELD_INVALID' }] });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('VALIDATION', { issues: [{ field: 'body', code: 'FIELD_INVALID' }] });
    case 'FST_FILES_LIMIT':
      return new AppError('TOO_MANY_PHOTOS', { field: 'photos' });
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('MULTIPART_BROKEN');
  }
  if (e.statusCode === 404) return new AppError('NOT_FOUND');
  if (e.statusCode === 400) return new AppError('VALIDATION', { issues: [{ field: 'body', code: 'FIELD_INVALID' }] });
  // Any other refusal by the framework or a plugin stays a refusal, never a 500: e.g. @fastify/static
  // answers a path that climbs out of its folder (`/static/../../package.json`) with 403.
  if (e.statusCode === 401 || e.statusCode === 403) return new AppError('FORBIDDEN');
  if (e.statusCode === 413) return new AppError('BODY_TOO_LARGE');
  if (typeof e.statusCode === 'number' && e.statusCode >= 405 && e.statusCode < 500) return new AppError('VALIDATION', { issues: [{ field: 'body', code: 'FIELD_INVALID' }] });
  if (err instanceof Error && /multipart|boundary|Unexpected end of form/i.test(err.message)) return new AppError('MULTIPART_BROKEN');
  return new AppError('INTERNAL', { cause: err });
}
