import type { z } from 'zod';
import { AppError, type ErrorCode, type FieldIssue } from './index.js';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** Maps one zod issue to the platform's error code for a field; `input` tells a missing value from a wrong one. */
export function codeOfZodIssue(issue: z.core.$ZodIssue, input?: unknown): ErrorCode {
  switch (issue.code) {
    case 'too_big':
      return 'FIELD_TOO_LONG';
    case 'too_small':
      return 'FIELD_REQUIRED';
    case 'invalid_type':
      const given = input === undefined ? issue.input : valueAt(input, issue.path);
      if (given === undefined || given === null || given === '') return 'FIELD_REQUIRED';
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
export function zodIssues(issues: readonly z.core.$ZodIssue[], input?: unknown): FieldIssue[] {
  return issues.map((i) => ({ field: i.path.map(String).join('.') || 'body', code: codeOfZodIssue(i, input) }));
}

/** Parses input with a schema, or throws AppError('VALIDATION') naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new AppError('VALIDATION', { issues: zodIssues(r.error.issues, input) });
}
