import type { z } from 'zod';
import { AppError, type ErrorCode, type FieldIssue } from './index.js';

/** Maps one zod issue to the platform's error code for a field. */
export function codeOfZodIssue(issue: z.core.$ZodIssue): ErrorCode {
  switch (issue.code) {
    case 'too_big':
      return 'FIELD_TOO_LONG';
    case 'too_small':
      return 'FIELD_REQUIRED';
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null || issue.input === '') return 'FIELD_REQUIRED';
      return issue.expected === 'number' ? 'NOT_A_NUMBER' : 'FIELD_INVALID';
    case 'invalid_format':
      return issue.format === 'email' ? 'EMAIL_INVALID' : 'FIELD_INVALID';
    case 'invalid_value':
      return 'NOT_IN_LIST';
    default:
      return 'FIELD_INVALID';
  }
}

/** Converts zod issues into field issues with the field's dotted path. */
export function zodIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((i) => ({ field: i.path.map(String).join('.') || 'body', code: codeOfZodIssue(i) }));
}

/** Parses input with a schema, or throws AppError('VALIDATION') naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new AppError('VALIDATION', { issues: zodIssues(r.error.issues) });
}
