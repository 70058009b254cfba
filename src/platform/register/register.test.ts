import { describe, expect, test } from 'vitest';
import { formatRegNumber, parseRegNumber, sofiaYear } from './index.js';

describe('registration numbers', () => {
  test('are written in the Call Sofia form', () => {
    expect(formatRegNumber('КЦ01', 2026, 123)).toBe('СО26-КЦ01-000123');
    expect(formatRegNumber('КЦ02', 2031, 1234567)).toBe('СО31-КЦ02-1234567');
  });

  test('are read back however a person types them', () => {
    expect(parseRegNumber('СО26-КЦ01-000123')).toEqual({ yy: 26, registerCode: 'КЦ01', seq: 123 });
    expect(parseRegNumber('  со26-кц01-123 ')).toEqual({ yy: 26, registerCode: 'КЦ01', seq: 123 });
    // Latin C, O and K typed for the Cyrillic letters.
    expect(parseRegNumber('CO26-KЦ01-000123')).toEqual({ yy: 26, registerCode: 'КЦ01', seq: 123 });
    expect(parseRegNumber('СО26 – КЦ01 – 5')).toEqual({ yy: 26, registerCode: 'КЦ01', seq: 5 });
  });

  test('malformed input is not a number', () => {
    for (const s of ['', 'abc', 'СО26-КЦ01', "СО26-КЦ01-1' OR 1=1", 'СО26-КЦ01-99999999999', '<script>']) {
      expect(parseRegNumber(s), s).toBeNull();
    }
  });

  test('the year is Sofia’s: 00:30 on 1 January in Sofia is still 31 December in UTC', () => {
    expect(sofiaYear(new Date('2026-12-31T22:30:00Z'))).toBe(2027);
    expect(sofiaYear(new Date('2026-12-31T21:30:00Z'))).toBe(2026);
  });
});
