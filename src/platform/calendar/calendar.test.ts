import { describe, expect, test } from 'vitest';
import { buildCalendar, endOfSofiaDay, orthodoxEaster, sofiaDay, type DaySwap } from './index.js';

/*
 * The calendar against real dates (issue 12): Orthodox Easter, the Labour Code's holidays
 * (art. 154) and their moves off weekends (art. 154(2)), the period rule of the Civil Procedure
 * Code art. 60(6), and Sofia's dates of moments across the new year and the clock changes.
 */

const cal = buildCalendar([]);
const weekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

describe('Orthodox Easter, computed', () => {
  // [year, Good Friday, Holy Saturday, Easter Sunday, Easter Monday]
  const TABLE: [number, string, string, string, string][] = [
    [2024, '2024-05-03', '2024-05-04', '2024-05-05', '2024-05-06'],
    [2025, '2025-04-18', '2025-04-19', '2025-04-20', '2025-04-21'],
    [2026, '2026-04-10', '2026-04-11', '2026-04-12', '2026-04-13'],
    [2027, '2027-04-30', '2027-05-01', '2027-05-02', '2027-05-03'],
    [2028, '2028-04-14', '2028-04-15', '2028-04-16', '2028-04-17'],
    // from the 2000s
    [2001, '2001-04-13', '2001-04-14', '2001-04-15', '2001-04-16'],
    [2002, '2002-05-03', '2002-05-04', '2002-05-05', '2002-05-06'],
    [2005, '2005-04-29', '2005-04-30', '2005-05-01', '2005-05-02'],
    [2008, '2008-04-25', '2008-04-26', '2008-04-27', '2008-04-28'],
    [2010, '2010-04-02', '2010-04-03', '2010-04-04', '2010-04-05'],
    [2016, '2016-04-29', '2016-04-30', '2016-05-01', '2016-05-02'],
    [2021, '2021-04-30', '2021-05-01', '2021-05-02', '2021-05-03'],
    [2023, '2023-04-14', '2023-04-15', '2023-04-16', '2023-04-17'],
  ];

  test.each(TABLE)('%i', (year, friday, saturday, sunday, monday) => {
    expect(orthodoxEaster(year)).toBe(sunday);
    expect(cal.holidayName(friday, 'bg')).toContain('Велики петък');
    expect(cal.holidayName(friday, 'en')).toContain('Good Friday');
    expect(cal.holidayName(saturday, 'bg')).toContain('Велика събота');
    expect(cal.holidayName(saturday, 'en')).toContain('Holy Saturday');
    expect(cal.holidayName(sunday, 'bg')).toContain('Великден');
    expect(cal.holidayName(monday, 'en')).toContain('Easter Monday');
    for (const d of [friday, saturday, sunday, monday]) expect(cal.isWorkingDay(d), d).toBe(false);
    // The Thursday before and the Tuesday after are ordinary days (unless another holiday).
    const holidays = cal.holidays(year, 'en').map((h) => h.day);
    const thursday = cal.addCalendarDays(friday, -1);
    const tuesday = cal.addCalendarDays(monday, 1);
    if (!holidays.includes(thursday)) expect(cal.isWorkingDay(thursday), thursday).toBe(true);
    if (!holidays.includes(tuesday)) expect(cal.isWorkingDay(tuesday), tuesday).toBe(true);
    // The Easter days never move (art. 154(2) excepts them): nothing "(moved)" from them.
    expect(cal.holidays(year, 'en').filter((h) => h.moved && /Easter|Good Friday|Holy Saturday/.test(h.name))).toEqual([]);
  });
});

describe('holidays on a weekend move to the next working day (Labour Code art. 154(2))', () => {
  test.each([
    ['2024-03-03', '2024-03-04', 'Ден на Освобождението'],
    ['2025-05-24', '2025-05-26', 'Кирил и Методий'],
    ['2025-09-06', '2025-09-08', 'Ден на Съединението'],
    ['2024-09-22', '2024-09-23', 'Ден на Независимостта'],
    ['2027-12-25', '2027-12-27', 'Рождество Христово'],
    ['2027-12-26', '2027-12-28', 'Рождество Христово – втори ден'],
    ['2028-01-01', '2028-01-03', 'Нова година'],
    ['2026-05-24', '2026-05-25', 'Кирил и Методий'],
  ])('%s → %s off', (holiday, off, name) => {
    expect(cal.isWorkingDay(holiday)).toBe(false);
    expect(cal.holidayName(holiday, 'bg')).toContain(name);
    expect(cal.isWorkingDay(off)).toBe(false);
    expect(cal.holidayName(off, 'bg')).toBe(`${cal.holidayName(holiday, 'bg')!.split('; ').find((n) => n.includes(name))} (прехвърлен)`);
    expect(cal.holidays(Number(off.slice(0, 4)), 'bg')).toContainEqual({ day: off, name: expect.stringContaining('(прехвърлен)'), moved: true });
    // The day after the moved holiday is a working day again (unless it is itself off).
    const next = cal.addCalendarDays(off, 1);
    if (!weekend(next) && !cal.holidayName(next, 'bg')) expect(cal.isWorkingDay(next)).toBe(true);
  });

  test('25–26 December 2027 on a weekend take 27 and 28 December; the 29th is a working day', () => {
    expect(['2027-12-24', '2027-12-25', '2027-12-26', '2027-12-27', '2027-12-28'].map((d) => cal.isWorkingDay(d))).toEqual([false, false, false, false, false]);
    expect(cal.isWorkingDay('2027-12-29')).toBe(true);
    expect(cal.holidayName('2027-12-27', 'en')).toBe('Christmas Day (moved)');
    expect(cal.holidayName('2027-12-28', 'en')).toBe('Second day of Christmas (moved)');
  });

  test('1 May 2027 (a Saturday and Holy Saturday) passes Easter Monday and takes 4 May', () => {
    expect(cal.holidayName('2027-05-01', 'bg')).toBe('Ден на труда и на международната работническа солидарност; Велика събота');
    expect(cal.holidayName('2027-05-03', 'en')).toBe('Easter Monday');
    expect(cal.isWorkingDay('2027-05-04')).toBe(false);
    expect(cal.holidayName('2027-05-04', 'bg')).toBe('Ден на труда и на международната работническа солидарност (прехвърлен)');
    expect(cal.isWorkingDay('2027-05-05')).toBe(true);
    expect(cal.isWorkingDay('2027-05-06')).toBe(false); // St George's Day, a Thursday
  });

  test('a holiday on a weekday moves nothing', () => {
    // 3 March 2025 is a Monday, 6 May 2024 a Monday (and Easter Monday), 22 September 2025 a Monday.
    for (const [holiday, after] of [
      ['2025-03-03', '2025-03-04'],
      ['2024-05-06', '2024-05-07'],
      ['2025-09-22', '2025-09-23'],
      ['2026-01-01', '2026-01-02'],
    ] as const) {
      expect(cal.isWorkingDay(holiday), holiday).toBe(false);
      expect(cal.isWorkingDay(after), after).toBe(true);
      expect(cal.holidayName(after, 'bg'), after).toBeNull();
    }
    expect(cal.holidays(2025, 'en').filter((h) => h.moved).map((h) => h.day)).toEqual(['2025-05-26', '2025-09-08']);
  });

  test('a year in full: 2027', () => {
    expect(cal.holidays(2027, 'en').map((h) => `${h.day}${h.moved ? '*' : ''}`)).toEqual([
      '2027-01-01',
      '2027-03-03',
      '2027-04-30',
      '2027-05-01',
      '2027-05-01',
      '2027-05-02',
      '2027-05-03',
      '2027-05-04*',
      '2027-05-06',
      '2027-05-24',
      '2027-09-06',
      '2027-09-22',
      '2027-12-24',
      '2027-12-25',
      '2027-12-26',
      '2027-12-27*',
      '2027-12-28*',
    ]);
  });

  test('weekends are not working days; ordinary weekdays are', () => {
    expect(cal.isWorkingDay('2026-06-13')).toBe(false); // Saturday
    expect(cal.isWorkingDay('2026-06-14')).toBe(false); // Sunday
    expect(cal.isWorkingDay('2026-06-15')).toBe(true); // Monday
    expect(cal.holidayName('2026-06-13', 'bg')).toBeNull();
  });
});

describe('counting days', () => {
  test('across Easter: a Thursday before Good Friday', () => {
    // 2026: Good Friday 10 April … Easter Monday 13 April.
    expect(cal.addWorkingDays('2026-04-09', 1)).toBe('2026-04-14');
    expect(cal.addWorkingDays('2026-04-10', 1)).toBe('2026-04-14');
    expect(cal.addWorkingDays('2026-04-09', 0)).toBe('2026-04-09');
    expect(cal.addWorkingDays('2026-04-09', 7)).toBe('2026-04-22');
    expect(cal.addCalendarDays('2026-04-10', 14)).toBe('2026-04-24');
    expect(cal.periodEnd('2026-04-10')).toBe('2026-04-14');
    expect(cal.periodEnd('2026-04-13')).toBe('2026-04-14');
    expect(cal.periodEnd('2026-04-14')).toBe('2026-04-14');
    expect(cal.workingDaysBetween('2026-04-09', '2026-04-14')).toBe(1);
    expect(cal.workingDaysBetween('2026-04-14', '2026-04-09')).toBe(-1);
    // A 14-day period from Good Friday 2027 (30 April) ends on 14 May, a Friday.
    expect(cal.periodEnd(cal.addCalendarDays('2027-04-30', 14))).toBe('2027-05-14');
    // 7 days from 26 April 2027 end on Monday 3 May (Easter Monday) → Wednesday 5 May (4 May is 1 May moved).
    expect(cal.periodEnd(cal.addCalendarDays('2027-04-26', 7))).toBe('2027-05-05');
  });

  test('across 23 December – 2 January', () => {
    // 2026: 24, 25 Dec holidays, 26 Dec a Saturday → the 28th off; 1 Jan 2027 a Friday.
    expect(cal.addWorkingDays('2026-12-23', 1)).toBe('2026-12-29');
    expect(cal.addWorkingDays('2026-12-23', 3)).toBe('2026-12-31');
    expect(cal.addWorkingDays('2026-12-23', 4)).toBe('2027-01-04');
    expect(cal.workingDaysBetween('2026-12-23', '2027-01-04')).toBe(4);
    expect(cal.workingDaysBetween('2027-01-04', '2026-12-23')).toBe(-4);
    expect(cal.periodEnd('2026-12-24')).toBe('2026-12-29');
    expect(cal.periodEnd('2027-01-01')).toBe('2027-01-04');
    // 2027: 24 Dec a Friday, 25–26 on the weekend → 27, 28 off; 1 Jan 2028 a Saturday → 3 Jan off.
    expect(cal.addWorkingDays('2027-12-23', 1)).toBe('2027-12-29');
    expect(cal.addWorkingDays('2027-12-23', 3)).toBe('2027-12-31');
    expect(cal.addWorkingDays('2027-12-23', 4)).toBe('2028-01-04');
    expect(cal.periodEnd('2027-12-24')).toBe('2027-12-29');
    expect(cal.periodEnd('2028-01-01')).toBe('2028-01-04');
    expect(cal.workingDaysBetween('2027-12-23', '2028-01-04')).toBe(4);
    expect(cal.addCalendarDays('2027-12-23', 14)).toBe('2028-01-06');
    // Backwards.
    expect(cal.addWorkingDays('2028-01-04', -4)).toBe('2027-12-23');
  });

  test('months: the same day of the month, or the last day of a shorter month', () => {
    expect(cal.addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(cal.addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(cal.addMonths('2026-01-15', 2)).toBe('2026-03-15');
    expect(cal.addMonths('2026-10-31', 1)).toBe('2026-11-30');
    expect(cal.addMonths('2026-12-15', 2)).toBe('2027-02-15');
    expect(cal.addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(cal.addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(cal.addMonths('2026-11-30', 0)).toBe('2026-11-30');
    // A 1-month period from 31 January 2026 ends on Saturday 28 February → Monday 2 March
    // (3 March 2026 is a Tuesday holiday, so not further).
    expect(cal.periodEnd(cal.addMonths('2026-01-31', 1))).toBe('2026-03-02');
    // 2 months from 24 March 2024 end on Friday 24 May 2024 (a holiday) → Monday 27 May.
    expect(cal.periodEnd(cal.addMonths('2024-03-24', 2))).toBe('2024-05-27');
  });

  test('leap years', () => {
    expect(cal.addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(cal.addCalendarDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(cal.addCalendarDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(cal.addCalendarDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(cal.addCalendarDays('2028-12-31', 1)).toBe('2029-01-01');
    expect(cal.addCalendarDays('2028-01-01', 366)).toBe('2029-01-01');
    expect(cal.addWorkingDays('2028-02-25', 2)).toBe('2028-02-29'); // Friday + 2 → Tuesday 29 February
    expect(cal.workingDaysBetween('2028-02-25', '2028-03-01')).toBe(3);
    // Across a whole year: 2026 has 365 days, 104 weekend days and these holidays on weekdays.
    const weekdayHolidays2026 = new Set(cal.holidays(2026, 'en').map((h) => h.day).filter((d) => !weekend(d)));
    expect(cal.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(365 - 104 - weekdayHolidays2026.size);
  });

  test('configured swaps: a working Saturday counts, a bridge holiday does not', () => {
    const swaps: DaySwap[] = [
      { day: '2026-12-12', kind: 'working', reference: 'РМС № 1/2026' }, // a Saturday
      { day: '2026-12-31', kind: 'holiday', reference: 'РМС № 1/2026' }, // a Thursday
    ];
    const c = buildCalendar(swaps);
    expect(c.isWorkingDay('2026-12-12')).toBe(true);
    expect(cal.isWorkingDay('2026-12-12')).toBe(false);
    expect(c.isWorkingDay('2026-12-31')).toBe(false);
    expect(cal.isWorkingDay('2026-12-31')).toBe(true);
    expect(c.addWorkingDays('2026-12-11', 1)).toBe('2026-12-12');
    expect(cal.addWorkingDays('2026-12-11', 1)).toBe('2026-12-14');
    expect(c.periodEnd('2026-12-12')).toBe('2026-12-12');
    expect(c.periodEnd('2026-12-31')).toBe('2027-01-04');
    expect(c.workingDaysBetween('2026-12-10', '2026-12-14')).toBe(3);
    expect(c.workingDaysBetween('2026-12-23', '2027-01-04')).toBe(3);
    expect(c.addWorkingDays('2026-12-23', 3)).toBe('2027-01-04');
    // A swap changes nothing else: not the holiday names, not other days.
    expect(c.holidayName('2026-12-31', 'bg')).toBeNull();
    expect(c.holidays(2026, 'bg')).toEqual(cal.holidays(2026, 'bg'));
    // A swap can make a (moved) holiday a working day, as a decision may.
    expect(buildCalendar([{ day: '2026-12-28', kind: 'working', reference: 'x' }]).isWorkingDay('2026-12-28')).toBe(true);
  });

  test('refuses what is not a day', () => {
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => cal.isWorkingDay('26-1-1')).toThrow(RangeError);
    expect(() => cal.addCalendarDays('2026-01-01', 1.5)).toThrow(RangeError);
  });

  test('fast enough to run for every case of a page', () => {
    const c = buildCalendar([{ day: '2026-12-12', kind: 'working', reference: 'x' }]);
    const started = performance.now();
    let n = 0;
    for (let i = 0; i < 20_000; i++) {
      const d = c.addCalendarDays('2025-01-01', i % 1400);
      const due = c.periodEnd(c.addWorkingDays(d, 14));
      n += c.workingDaysBetween(d, due) + (c.isWorkingDay(due) ? 1 : 0);
    }
    expect(n).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('Sofia dates of moments', () => {
  test('the last half hour of the year and the first of the next', () => {
    // 31 December 2026 23:30 in Sofia (UTC+2) is 21:30 UTC: still the 31st.
    expect(sofiaDay(new Date('2026-12-31T21:30:00Z'))).toBe('2026-12-31');
    // 1 January 2027 00:30 in Sofia is 22:30 UTC on 31 December 2026: a different year in UTC.
    expect(sofiaDay(new Date('2026-12-31T22:30:00Z'))).toBe('2027-01-01');
    expect(sofiaDay(new Date('2026-12-31T21:59:59.999Z'))).toBe('2026-12-31');
    expect(sofiaDay(new Date('2026-12-31T22:00:00Z'))).toBe('2027-01-01');
  });

  test('around the clock changes', () => {
    // Summer time starts on 29 March 2026 at 01:00 UTC (03:00 → 04:00 Sofia).
    expect(sofiaDay(new Date('2026-03-28T21:59:59.999Z'))).toBe('2026-03-28');
    expect(sofiaDay(new Date('2026-03-28T22:00:00Z'))).toBe('2026-03-29');
    expect(sofiaDay(new Date('2026-03-29T00:59:59Z'))).toBe('2026-03-29');
    expect(sofiaDay(new Date('2026-03-29T01:00:00Z'))).toBe('2026-03-29');
    expect(sofiaDay(new Date('2026-03-29T20:59:59.999Z'))).toBe('2026-03-29');
    expect(sofiaDay(new Date('2026-03-29T21:00:00Z'))).toBe('2026-03-30');
    // It ends on 25 October 2026 at 01:00 UTC (04:00 → 03:00 Sofia).
    expect(sofiaDay(new Date('2026-10-24T20:59:59.999Z'))).toBe('2026-10-24');
    expect(sofiaDay(new Date('2026-10-24T21:00:00Z'))).toBe('2026-10-25');
    expect(sofiaDay(new Date('2026-10-25T21:59:59.999Z'))).toBe('2026-10-25');
    expect(sofiaDay(new Date('2026-10-25T22:00:00Z'))).toBe('2026-10-26');
  });

  test('the end of a Sofia day, winter and summer', () => {
    expect(endOfSofiaDay('2026-01-15').toISOString()).toBe('2026-01-15T21:59:59.999Z');
    expect(endOfSofiaDay('2026-07-15').toISOString()).toBe('2026-07-15T20:59:59.999Z');
    expect(endOfSofiaDay('2026-03-28').toISOString()).toBe('2026-03-28T21:59:59.999Z');
    expect(endOfSofiaDay('2026-03-29').toISOString()).toBe('2026-03-29T20:59:59.999Z');
    expect(endOfSofiaDay('2026-10-24').toISOString()).toBe('2026-10-24T20:59:59.999Z');
    expect(endOfSofiaDay('2026-10-25').toISOString()).toBe('2026-10-25T21:59:59.999Z');
    expect(endOfSofiaDay('2026-12-31').toISOString()).toBe('2026-12-31T21:59:59.999Z');
    for (const d of ['2026-01-15', '2026-03-29', '2026-07-15', '2026-10-25', '2026-12-31']) {
      const end = endOfSofiaDay(d);
      expect(sofiaDay(end)).toBe(d);
      expect(sofiaDay(new Date(end.getTime() + 1))).toBe(cal.addCalendarDays(d, 1));
    }
  });

  test('the process time zone does not matter', () => {
    const before = process.env.TZ;
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
        process.env.TZ = tz;
        expect(sofiaDay(new Date('2026-12-31T22:30:00Z')), tz).toBe('2027-01-01');
        expect(endOfSofiaDay('2026-07-15').toISOString(), tz).toBe('2026-07-15T20:59:59.999Z');
        expect(cal.addCalendarDays('2026-03-28', 2), tz).toBe('2026-03-30');
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
