import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { AppError, errorBody, errorMessage } from './index.js';
import { day, dayProblem, int, number, optionalNumber, optionalText, parseOrThrow, text, zodIssues } from './validation.js';

/** The field issues a schema reports for an input. */
function issues(schema: z.ZodType, input: unknown) {
  const r = schema.safeParse(input);
  expect(r.success, JSON.stringify(input)).toBe(false);
  return zodIssues(r.error!.issues, input);
}

describe('messages say what is wrong and the limit (issue 11, defect 9)', () => {
  const S = z.object({ lat: optionalNumber({ min: -90, max: 90 }), page: int({ min: 1, max: 10_000 }), description: text({ max: 4000, multiline: true }), name: optionalText({ max: 200 }) });
  const ok = { page: 1, description: 'Дупка' };

  test('a number out of range says its range, in both languages; never "text too long" or "required"', () => {
    const [i] = issues(S, { ...ok, lat: 999 });
    expect(i).toEqual({ field: 'lat', code: 'NUMBER_OUT_OF_RANGE', params: { min: -90, max: 90 } });
    expect(errorMessage(i!.code, 'bg', i!.params)).toBe('Стойността трябва да е между -90 и 90.');
    expect(errorMessage(i!.code, 'en', i!.params)).toBe('The value must be between -90 and 90.');
    for (const page of [0, 10_001, '10001', -1]) {
      const [p] = issues(S, { ...ok, page });
      expect(p!.code).toBe('NUMBER_OUT_OF_RANGE');
      expect(errorMessage(p!.code, 'bg', p!.params)).toBe('Стойността трябва да е между 1 и 10 000.');
      expect(errorMessage(p!.code, 'en', p!.params)).toBe('The value must be between 1 and 10,000.');
    }
    expect(issues(S, { ...ok, page: 1.5 })[0]!.code).toBe('NOT_AN_INTEGER');
  });

  test('numbers from strings are strict: "", null, true, [] or "1e3" are never 0, 1 or 1000', () => {
    expect(S.parse({ ...ok, lat: '' }).lat).toBeUndefined();
    expect(S.parse({ ...ok, lat: null }).lat).toBeUndefined();
    expect(S.parse({ ...ok, lat: ' 42,69 ' }).lat).toBe(42.69);
    expect(S.parse({ ...ok, lat: '-0.5' }).lat).toBe(-0.5);
    for (const lat of [true, false, [], [1], {}, '1e1', '0x10', 'NaN', 'Infinity', '4 2', '--1']) expect(issues(S, { ...ok, lat })[0]).toEqual({ field: 'lat', code: 'NOT_A_NUMBER' });
    expect(issues(S, { ...ok, page: '' })[0]).toEqual({ field: 'page', code: 'FIELD_REQUIRED' });
    expect(issues(S, { ...ok, page: null })[0]).toEqual({ field: 'page', code: 'FIELD_REQUIRED' });
    expect(number({ min: 0, max: 10 }).safeParse(Infinity).success).toBe(false);
  });

  test('texts: too long says the maximum, too short the minimum, "required" only when empty', () => {
    const long = issues(S, { ...ok, description: 'я'.repeat(4001) })[0]!;
    expect(long).toEqual({ field: 'description', code: 'FIELD_TOO_LONG', params: { max: 4000 } });
    expect(errorMessage(long.code, 'bg', long.params)).toBe('Текстът е твърде дълъг: най-много 4000 знака.');
    expect(errorMessage(long.code, 'en', long.params)).toBe('The text is too long: 4,000 characters at most.');
    const short = issues(text({ max: 100, min: 10 }), 'кратко')[0]!;
    expect(errorMessage(short.code, 'bg', short.params)).toBe('Текстът е твърде кратък: поне 10 знака.');
    expect(issues(text({ max: 100, min: 10 }), '   ')[0]!.code).toBe('FIELD_REQUIRED');
    expect(issues(S, { ...ok, description: 42 })[0]).toEqual({ field: 'description', code: 'NOT_TEXT' });
    // Without its parameters a message is the plain one.
    expect(errorMessage('FIELD_TOO_LONG', 'bg')).toBe('Текстът е твърде дълъг.');
  });

  test('too many items says how many', () => {
    const [i] = issues(z.object({ ids: z.array(z.string()).max(5) }), { ids: ['a', 'b', 'c', 'd', 'e', 'f'] });
    expect(errorMessage(i!.code, 'bg', i!.params)).toBe('Може да посочите най-много 5.');
    expect(errorMessage(i!.code, 'en', i!.params)).toBe('You can give at most 5.');
  });

  test('the JSON error body carries the parameterised message', () => {
    try {
      parseOrThrow(S, { ...ok, lat: '-91' });
      throw new Error('accepted');
    } catch (err) {
      const body = errorBody(err as AppError, 'en');
      expect(body.error.message).toBe('lat: The value must be between -90 and 90.');
      expect(body.error.fields).toEqual([{ field: 'lat', code: 'NUMBER_OUT_OF_RANGE', message: 'The value must be between -90 and 90.' }]);
    }
  });
});

describe('texts refuse control characters; invisible ones do not make a text (issue 11, defects 8 and 9)', () => {
  test('NUL, escape, DEL and C1 controls are refused naming the field; a long text keeps lines and tabs', () => {
    const S = z.object({ name: optionalText({ max: 200 }), description: text({ max: 4000, multiline: true }) });
    for (const bad of ['a\u0000b', 'a\u001bb', 'a\u007fb', 'a\u0085b', '\u0000']) {
      expect(issues(S, { description: bad })).toEqual([{ field: 'description', code: 'TEXT_CONTROL_CHARS' }]);
      expect(issues(S, { description: 'x', name: bad })).toEqual([{ field: 'name', code: 'TEXT_CONTROL_CHARS' }]);
    }
    expect(S.parse({ description: 'ред 1\r\nред 2\tи табулация' }).description).toBe('ред 1\r\nред 2\tи табулация');
    expect(issues(S, { description: 'x', name: 'Мария\nИванова' })[0]!.code).toBe('TEXT_CONTROL_CHARS');
    // A control character and a length problem: one issue, the control character.
    expect(issues(S, { description: `\u0000${'я'.repeat(5000)}` })).toHaveLength(1);
    expect(errorMessage('TEXT_CONTROL_CHARS', 'bg')).toMatch(/управляващи знаци/);
  });

  test('spaces and zero-width or other format characters alone are empty; at the ends they are trimmed', () => {
    const S = z.object({ description: text({ max: 100 }), name: optionalText({ max: 100 }) });
    const invisible = ' \u200B\u200C\u200D\u2060\uFEFF\u00AD\u200E\u202E\t ';
    expect(issues(S, { description: invisible })).toEqual([{ field: 'description', code: 'FIELD_REQUIRED' }]);
    expect(S.parse({ description: 'x', name: invisible }).name).toBeUndefined();
    expect(S.parse({ description: '\u200BДупка\u200B', name: null }).description).toBe('Дупка');
    // Joiners inside a text are kept (emoji sequences, scripts that need them).
    expect(S.parse({ description: 'a\u200Db' }).description).toBe('a\u200Db');
  });
});

describe('days (issue 11, defect 8)', () => {
  test('a real calendar day in 1900–2100, the range in the message', () => {
    expect(dayProblem('2026-02-28')).toBeNull();
    expect(dayProblem('2026-02-30')).toEqual({ code: 'NOT_A_DATE' });
    expect(dayProblem('26-02-01')).toEqual({ code: 'NOT_A_DATE' });
    const zero = dayProblem('0000-01-01')!;
    expect(zero).toEqual({ code: 'DATE_OUT_OF_RANGE', params: { min: '1900-01-01', max: '2100-12-31' } });
    expect(errorMessage(zero.code, 'bg', zero.params)).toBe('Датата трябва да е между 1900-01-01 и 2100-12-31.');
    expect(errorMessage(zero.code, 'en', zero.params)).toBe('The date must be between 1900-01-01 and 2100-12-31.');
    expect(issues(z.object({ from: day({ max: '2026-12-01' }) }), { from: '2026-12-02' })).toEqual([{ field: 'from', code: 'DATE_OUT_OF_RANGE', params: { min: '1900-01-01', max: '2026-12-01' } }]);
  });
});

describe('JSON Schema of the builders (the OpenAPI description)', () => {
  test('numbers keep their type and bounds, texts their length', () => {
    const json = z.toJSONSchema(z.object({ lat: optionalNumber({ min: -90, max: 90 }), page: int({ min: 1, max: 100 }).default(1), description: text({ max: 4000 }) }), { io: 'input', unrepresentable: 'any' }) as {
      properties: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    expect(json.properties.lat).toMatchObject({ type: 'number', minimum: -90, maximum: 90 });
    expect(json.properties.page).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(json.properties.description).toMatchObject({ type: 'string', minLength: 1, maxLength: 4000 });
    expect(json.required).toEqual(['description']);
  });
});
