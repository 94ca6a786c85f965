// Expected dates below were worked out by hand from a printed calendar and the gov.uk list of
// England and Wales bank holidays, not from the implementation (DSP 1.5, "How to count").
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Holidays from 'date-holidays';
import {
  WorkingDayCalendar,
  addCalendarMonths,
  addWorkingDays,
  endOfLondonDay,
  londonDateOf,
  londonInstant,
  subtractWorkingDays,
} from '../../domain/calendar';

const calendar = new WorkingDayCalendar();

describe('working days after a clock (the procedure (DSP 1.5) example: Christmas 2026)', () => {
  test('Monday 21 Dec 2026 + 5 WD is Wednesday 30 Dec 2026', () => {
    expect(addWorkingDays('2026-12-21', 5)).toBe('2026-12-30');
    expect(calendar.addWorkingDays('2026-12-21', 5)).toBe('2026-12-30');
  });

  test('days 1-4 of the example: 22, 23, 24 Dec then 29 Dec', () => {
    expect(addWorkingDays('2026-12-21', 1)).toBe('2026-12-22');
    expect(addWorkingDays('2026-12-21', 3)).toBe('2026-12-24');
    expect(addWorkingDays('2026-12-21', 4)).toBe('2026-12-29');
  });

  test('the explanation lists Christmas, the weekend and the Boxing Day substitute', () => {
    expect(calendar.explainAddWorkingDays('2026-12-21', 5)).toEqual({
      from: '2026-12-21',
      result: '2026-12-30',
      rule: '5 working days after 2026-12-21',
      skipped: [
        { date: '2026-12-25', reason: 'bank holiday', name: 'Christmas Day' },
        { date: '2026-12-26', reason: 'weekend' },
        { date: '2026-12-27', reason: 'weekend' },
        { date: '2026-12-28', reason: 'bank holiday', name: 'Boxing Day (substitute day)' },
      ],
    });
  });

  test('a single day reads "1 working day"', () => {
    expect(calendar.explainAddWorkingDays('2026-12-21', 1)).toEqual({
      from: '2026-12-21',
      result: '2026-12-22',
      rule: '1 working day after 2026-12-21',
      skipped: [],
    });
  });

  test('Christmas Eve and New Year’s Eve are ordinary working days', () => {
    expect(calendar.isWorkingDay('2026-12-24')).toBe(true);
    expect(calendar.isWorkingDay('2026-12-31')).toBe(true);
    expect(calendar.isWorkingDay('2026-12-25')).toBe(false);
    // 29 Dec, 30 Dec, 31 Dec, (1 Jan New Year's Day), 2 Jan 2027 is a Saturday, 4 Jan Monday.
    expect(addWorkingDays('2026-12-28', 4)).toBe('2027-01-04');
  });
});

describe('a clock on a non-working day', () => {
  test('Saturday 13 Jun 2026: Monday 15 Jun is day 1', () => {
    expect(addWorkingDays('2026-06-13', 1)).toBe('2026-06-15');
    expect(addWorkingDays('2026-06-13', 3)).toBe('2026-06-17');
    expect(addWorkingDays('2026-06-13', 5)).toBe('2026-06-19');
    expect(addWorkingDays('2026-06-13', 6)).toBe('2026-06-22');
  });

  test('Sunday 14 Jun 2026: Monday 15 Jun is day 1', () => {
    expect(addWorkingDays('2026-06-14', 1)).toBe('2026-06-15');
  });

  test('the clock day itself is day 0, not a skipped day', () => {
    expect(calendar.explainAddWorkingDays('2026-06-13', 1)).toEqual({
      from: '2026-06-13',
      result: '2026-06-15',
      rule: '1 working day after 2026-06-13',
      skipped: [{ date: '2026-06-14', reason: 'weekend' }],
    });
  });

  test('Christmas Day 2026 as the clock: Tuesday 29 Dec is day 1', () => {
    expect(addWorkingDays('2026-12-25', 1)).toBe('2026-12-29');
  });

  test('a Friday clock moves over the weekend', () => {
    // Friday 12 Jun 2026 + 1 → Monday 15 Jun.
    expect(addWorkingDays('2026-06-12', 1)).toBe('2026-06-15');
  });
});

describe('bank holidays of England and Wales', () => {
  test('Easter 2027: Good Friday 26 Mar and Easter Monday 29 Mar', () => {
    expect(calendar.nonWorkingReason('2027-03-26')).toEqual({ date: '2027-03-26', reason: 'bank holiday', name: 'Good Friday' });
    expect(calendar.nonWorkingReason('2027-03-29')).toEqual({ date: '2027-03-29', reason: 'bank holiday', name: 'Easter Monday' });
    expect(calendar.isWorkingDay('2027-03-25')).toBe(true);
    expect(calendar.isWorkingDay('2027-03-30')).toBe(true);
    // Thursday 25 Mar + 1 → Tuesday 30 Mar.
    expect(addWorkingDays('2027-03-25', 1)).toBe('2027-03-30');
    expect(calendar.explainAddWorkingDays('2027-03-25', 1).skipped).toEqual([
      { date: '2027-03-26', reason: 'bank holiday', name: 'Good Friday' },
      { date: '2027-03-27', reason: 'weekend' },
      { date: '2027-03-28', reason: 'weekend' },
      { date: '2027-03-29', reason: 'bank holiday', name: 'Easter Monday' },
    ]);
  });

  test('Easter 2026: Good Friday 3 Apr and Easter Monday 6 Apr', () => {
    expect(calendar.isWorkingDay('2026-04-02')).toBe(true);
    expect(calendar.nonWorkingReason('2026-04-03')).toEqual({ date: '2026-04-03', reason: 'bank holiday', name: 'Good Friday' });
    expect(calendar.nonWorkingReason('2026-04-06')).toEqual({ date: '2026-04-06', reason: 'bank holiday', name: 'Easter Monday' });
    // Wednesday 1 Apr + 2 → Thu 2 Apr (1), Tue 7 Apr (2).
    expect(addWorkingDays('2026-04-01', 2)).toBe('2026-04-07');
  });

  test('early May bank holidays: 4 May 2026, 3 May 2027', () => {
    expect(calendar.nonWorkingReason('2026-05-04')).toEqual({
      date: '2026-05-04',
      reason: 'bank holiday',
      name: 'Early May bank holiday',
    });
    expect(calendar.isWorkingDay('2027-05-03')).toBe(false);
    // Friday 1 May 2026 + 1 → Tuesday 5 May.
    expect(addWorkingDays('2026-05-01', 1)).toBe('2026-05-05');
  });

  test('spring bank holidays: 25 May 2026, 31 May 2027', () => {
    expect(calendar.nonWorkingReason('2026-05-25')).toEqual({
      date: '2026-05-25',
      reason: 'bank holiday',
      name: 'Spring bank holiday',
    });
    expect(calendar.isWorkingDay('2027-05-31')).toBe(false);
    // Friday 22 May 2026 + 1 → Tuesday 26 May; Friday 28 May 2027 + 1 → Tuesday 1 Jun 2027.
    expect(addWorkingDays('2026-05-22', 1)).toBe('2026-05-26');
    expect(addWorkingDays('2027-05-28', 1)).toBe('2027-06-01');
  });

  test('the England and Wales summer bank holiday (not Scotland’s): 31 Aug 2026, 30 Aug 2027', () => {
    expect(calendar.isWorkingDay('2026-08-31')).toBe(false);
    expect(calendar.isWorkingDay('2027-08-30')).toBe(false);
    expect(calendar.isWorkingDay('2026-08-03')).toBe(true);
  });

  test('one-off bank holidays come from the data too (coronation, 8 May 2023)', () => {
    expect(calendar.isWorkingDay('2023-05-08')).toBe(false);
  });
});

describe('substitute days', () => {
  test('Boxing Day 2026 falls on a Saturday: Monday 28 Dec is its substitute', () => {
    expect(calendar.nonWorkingReason('2026-12-26')).toEqual({ date: '2026-12-26', reason: 'weekend' });
    expect(calendar.nonWorkingReason('2026-12-28')).toEqual({
      date: '2026-12-28',
      reason: 'bank holiday',
      name: 'Boxing Day (substitute day)',
    });
  });

  test('Christmas 2027 falls on a weekend: Monday 27 and Tuesday 28 Dec are substitutes', () => {
    expect(calendar.nonWorkingReason('2027-12-27')).toEqual({
      date: '2027-12-27',
      reason: 'bank holiday',
      name: 'Christmas Day (substitute day)',
    });
    expect(calendar.nonWorkingReason('2027-12-28')).toEqual({
      date: '2027-12-28',
      reason: 'bank holiday',
      name: 'Boxing Day (substitute day)',
    });
    // Friday 24 Dec 2027 + 1 → Wednesday 29 Dec.
    expect(calendar.explainAddWorkingDays('2027-12-24', 1)).toEqual({
      from: '2027-12-24',
      result: '2027-12-29',
      rule: '1 working day after 2027-12-24',
      skipped: [
        { date: '2027-12-25', reason: 'weekend' },
        { date: '2027-12-26', reason: 'weekend' },
        { date: '2027-12-27', reason: 'bank holiday', name: 'Christmas Day (substitute day)' },
        { date: '2027-12-28', reason: 'bank holiday', name: 'Boxing Day (substitute day)' },
      ],
    });
  });

  test('New Year’s Day 2028 is a Saturday: Monday 3 Jan 2028 is its substitute', () => {
    expect(calendar.isWorkingDay('2028-01-03')).toBe(false);
    // Friday 31 Dec 2027 + 1 → Tuesday 4 Jan 2028, counting across the year end.
    expect(addWorkingDays('2027-12-31', 1)).toBe('2028-01-04');
  });
});

describe('observances are not holidays', () => {
  test('Mother’s Day (Sunday 15 Mar 2026) is only a weekend day, and the Monday after works', () => {
    expect(calendar.nonWorkingReason('2026-03-15')).toEqual({ date: '2026-03-15', reason: 'weekend' });
    expect(calendar.isWorkingDay('2026-03-16')).toBe(true);
  });

  test('Easter Sunday and Father’s Day are weekends, never named as bank holidays', () => {
    expect(calendar.nonWorkingReason('2027-03-28')).toEqual({ date: '2027-03-28', reason: 'weekend' });
    expect(calendar.nonWorkingReason('2026-06-21')).toEqual({ date: '2026-06-21', reason: 'weekend' });
  });

  test('no observance appears among the days skipped in a whole year', () => {
    // 2026 has 261 weekdays (365 days from Thursday 1 Jan) less 8 weekday bank holidays = 253
    // working days, all after 1 Jan (itself a holiday): the 253rd is Thursday 31 Dec 2026, and the
    // 254th, past New Year's Day and a weekend, is Monday 4 Jan 2027.
    expect(addWorkingDays('2026-01-01', 253)).toBe('2026-12-31');
    const year = calendar.explainAddWorkingDays('2026-01-01', 254);
    expect(year.result).toBe('2027-01-04');
    expect(year.skipped.filter((d) => d.reason !== 'weekend')).toEqual([
      { date: '2026-04-03', reason: 'bank holiday', name: 'Good Friday' },
      { date: '2026-04-06', reason: 'bank holiday', name: 'Easter Monday' },
      { date: '2026-05-04', reason: 'bank holiday', name: 'Early May bank holiday' },
      { date: '2026-05-25', reason: 'bank holiday', name: 'Spring bank holiday' },
      { date: '2026-08-31', reason: 'bank holiday', name: 'Summer bank holiday' },
      { date: '2026-12-25', reason: 'bank holiday', name: 'Christmas Day' },
      { date: '2026-12-28', reason: 'bank holiday', name: 'Boxing Day (substitute day)' },
      { date: '2027-01-01', reason: 'bank holiday', name: "New Year's Day" },
    ]);
    // 52 whole weeks of 104 weekend days from 2 Jan 2026 to 31 Dec 2026, plus 2-3 Jan 2027.
    expect(year.skipped.filter((d) => d.reason === 'weekend')).toHaveLength(106);
  });
});

describe('extra closure days', () => {
  const closures = new WorkingDayCalendar({
    extraClosureDays: [
      { date: '2026-12-24', name: 'Partnership office closure' },
      { date: '2026-12-27', name: 'Closure on a Sunday' },
      { date: '2027-01-01', name: 'Closure on a bank holiday' },
    ],
  });

  test('a configured closure is skipped and named', () => {
    // 22, 23 Dec (1-2); 24 closure; 25-28 as before; 29, 30, 31 Dec (3-5).
    expect(closures.addWorkingDays('2026-12-21', 5)).toBe('2026-12-31');
    expect(closures.explainAddWorkingDays('2026-12-21', 5).skipped).toEqual([
      { date: '2026-12-24', reason: 'closure day', name: 'Partnership office closure' },
      { date: '2026-12-25', reason: 'bank holiday', name: 'Christmas Day' },
      { date: '2026-12-26', reason: 'weekend' },
      { date: '2026-12-27', reason: 'weekend' },
      { date: '2026-12-28', reason: 'bank holiday', name: 'Boxing Day (substitute day)' },
    ]);
  });

  test('weekends and bank holidays keep their own reason when a closure coincides', () => {
    expect(closures.nonWorkingReason('2026-12-27')).toEqual({ date: '2026-12-27', reason: 'weekend' });
    expect(closures.nonWorkingReason('2027-01-01')).toEqual({
      date: '2027-01-01',
      reason: 'bank holiday',
      name: "New Year's Day",
    });
  });

  test('the default calendar is not affected by another calendar’s closures', () => {
    expect(calendar.isWorkingDay('2026-12-24')).toBe(true);
    expect(addWorkingDays('2026-12-21', 5)).toBe('2026-12-30');
  });

  test('closures apply to counting back as well', () => {
    // Back from Tuesday 29 Dec 2026: 28, 27, 26, 25 skipped, 24 closure, 23 Dec is day 1.
    expect(closures.subtractWorkingDays('2026-12-29', 1)).toBe('2026-12-23');
  });

  test('bad closure configuration is refused', () => {
    expect(() => new WorkingDayCalendar({ extraClosureDays: [{ date: '2026-02-30', name: 'x' }] })).toThrow(RangeError);
    expect(() => new WorkingDayCalendar({ extraClosureDays: [{ date: '2026-02-30', name: 'x' }] })).toThrow(
      /extraClosureDays\[0\]\.date/,
    );
    expect(() => new WorkingDayCalendar({ extraClosureDays: [{ date: '2026-12-24', name: ' ' }] })).toThrow(RangeError);
    expect(
      () =>
        new WorkingDayCalendar({
          extraClosureDays: [
            { date: '2026-12-24', name: 'a' },
            { date: '2026-12-24', name: 'b' },
          ],
        }),
    ).toThrow(/more than once/);
  });
});

describe('working days before a date ("at least N WD before Y")', () => {
  test('back across Christmas and a weekend: 5 WD before Wednesday 30 Dec 2026 is Monday 21 Dec', () => {
    expect(subtractWorkingDays('2026-12-30', 5)).toBe('2026-12-21');
    expect(calendar.explainSubtractWorkingDays('2026-12-30', 5)).toEqual({
      from: '2026-12-30',
      result: '2026-12-21',
      rule: '5 working days before 2026-12-30',
      skipped: [
        { date: '2026-12-25', reason: 'bank holiday', name: 'Christmas Day' },
        { date: '2026-12-26', reason: 'weekend' },
        { date: '2026-12-27', reason: 'weekend' },
        { date: '2026-12-28', reason: 'bank holiday', name: 'Boxing Day (substitute day)' },
      ],
    });
  });

  test('the result is strictly before Y: 1 WD before Tuesday 29 Dec 2026 is Thursday 24 Dec', () => {
    expect(subtractWorkingDays('2026-12-29', 1)).toBe('2026-12-24');
  });

  test('7 WD before Wednesday 10 Mar 2027 is Monday 1 Mar 2027', () => {
    expect(calendar.explainSubtractWorkingDays('2027-03-10', 7)).toEqual({
      from: '2027-03-10',
      result: '2027-03-01',
      rule: '7 working days before 2027-03-10',
      skipped: [
        { date: '2027-03-06', reason: 'weekend' },
        { date: '2027-03-07', reason: 'weekend' },
      ],
    });
  });

  test('back across Easter 2027: 2 WD before Wednesday 31 Mar is Thursday 25 Mar', () => {
    expect(subtractWorkingDays('2027-03-31', 2)).toBe('2027-03-25');
  });

  test('Y on a weekend: 1 WD before Sunday 27 Dec 2026 is Thursday 24 Dec', () => {
    expect(subtractWorkingDays('2026-12-27', 1)).toBe('2026-12-24');
  });

  test('back across the year end: 2 WD before Monday 4 Jan 2027 is Wednesday 30 Dec 2026', () => {
    // 3 Jan Sun, 2 Jan Sat, 1 Jan New Year's Day, 31 Dec (1), 30 Dec (2).
    expect(subtractWorkingDays('2027-01-04', 2)).toBe('2026-12-30');
  });
});

describe('0 working days', () => {
  test('the clock date itself, whatever day it is', () => {
    expect(addWorkingDays('2026-12-21', 0)).toBe('2026-12-21');
    expect(addWorkingDays('2026-12-26', 0)).toBe('2026-12-26');
    expect(subtractWorkingDays('2026-12-25', 0)).toBe('2026-12-25');
    expect(calendar.explainAddWorkingDays('2026-12-26', 0)).toEqual({
      from: '2026-12-26',
      result: '2026-12-26',
      rule: '0 working days after 2026-12-26',
      skipped: [],
    });
  });
});

describe('calendar months ("N months from X")', () => {
  test('the same day of the month N months later', () => {
    expect(addCalendarMonths('2026-03-15', 6)).toBe('2026-09-15');
    expect(addCalendarMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addCalendarMonths('2026-09-10', 0)).toBe('2026-09-10');
    expect(addCalendarMonths('2026-01-01', 24)).toBe('2028-01-01');
  });

  test('31 Aug + 6 months: 28 Feb, or 29 in a leap year', () => {
    expect(addCalendarMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addCalendarMonths('2027-08-31', 6)).toBe('2028-02-29');
    // 2100 is not a leap year; 2000 was.
    expect(addCalendarMonths('2099-08-31', 6)).toBe('2100-02-28');
    expect(addCalendarMonths('1999-08-31', 6)).toBe('2000-02-29');
  });

  test('29 Feb 2028 + 12 months is 28 Feb 2029', () => {
    expect(addCalendarMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addCalendarMonths('2028-02-29', 48)).toBe('2032-02-29');
  });

  test('month ends', () => {
    expect(addCalendarMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addCalendarMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addCalendarMonths('2026-01-31', 3)).toBe('2026-04-30');
    expect(addCalendarMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addCalendarMonths('2027-11-30', 3)).toBe('2028-02-29');
    // The last day does not stick: 28 Feb + 1 month is 28 Mar, not 31 Mar.
    expect(addCalendarMonths('2027-02-28', 1)).toBe('2027-03-28');
  });

  test('months ignore weekends and holidays', () => {
    expect(addCalendarMonths('2026-06-25', 6)).toBe('2026-12-25');
    expect(calendar.explainAddCalendarMonths('2026-08-31', 6)).toEqual({
      from: '2026-08-31',
      result: '2027-02-28',
      rule: '6 calendar months after 2026-08-31',
      skipped: [],
    });
    expect(calendar.explainAddCalendarMonths('2026-08-31', 1).rule).toBe('1 calendar month after 2026-08-31');
  });

  test('negative months count backwards the same way', () => {
    expect(addCalendarMonths('2027-03-31', -1)).toBe('2027-02-28');
    expect(addCalendarMonths('2028-03-31', -1)).toBe('2028-02-29');
    expect(addCalendarMonths('2026-05-31', -3)).toBe('2026-02-28');
    expect(addCalendarMonths('2026-01-15', -1)).toBe('2025-12-15');
    expect(addCalendarMonths('2027-02-28', -6)).toBe('2026-08-28');
    expect(addCalendarMonths('2028-02-29', -12)).toBe('2027-02-28');
    expect(addCalendarMonths('2026-03-10', -27)).toBe('2023-12-10');
    expect(calendar.explainAddCalendarMonths('2027-03-31', -1)).toEqual({
      from: '2027-03-31',
      result: '2027-02-28',
      rule: '1 calendar month before 2027-03-31',
      skipped: [],
    });
  });
});

describe('London time across GMT and BST', () => {
  test('end of a London day in GMT and in BST', () => {
    expect(endOfLondonDay('2026-12-30')).toBe('2026-12-30T23:59:59.999Z');
    expect(endOfLondonDay('2026-07-01')).toBe('2026-07-01T22:59:59.999Z');
  });

  test('either side of the March 2026 change (Sunday 29 Mar, 01:00 GMT → 02:00 BST)', () => {
    expect(endOfLondonDay('2026-03-28')).toBe('2026-03-28T23:59:59.999Z');
    expect(endOfLondonDay('2026-03-29')).toBe('2026-03-29T22:59:59.999Z');
    expect(londonInstant('2026-03-29', '00:30')).toBe('2026-03-29T00:30:00.000Z');
    expect(londonInstant('2026-03-29', '03:00')).toBe('2026-03-29T02:00:00.000Z');
    // 01:30 never happens that night; read with the GMT offset it is 02:30 BST.
    expect(londonInstant('2026-03-29', '01:30')).toBe('2026-03-29T01:30:00.000Z');
  });

  test('either side of the October 2026 change (Sunday 25 Oct, 02:00 BST → 01:00 GMT)', () => {
    expect(endOfLondonDay('2026-10-24')).toBe('2026-10-24T22:59:59.999Z');
    expect(endOfLondonDay('2026-10-25')).toBe('2026-10-25T23:59:59.999Z');
    expect(londonInstant('2026-10-25', '00:59')).toBe('2026-10-24T23:59:00.000Z');
    // 01:30 happens twice that night; the first (BST) one is taken.
    expect(londonInstant('2026-10-25', '01:30')).toBe('2026-10-25T00:30:00.000Z');
    expect(londonInstant('2026-10-25', '02:00')).toBe('2026-10-25T02:00:00.000Z');
  });

  test('2027 changes: 28 Mar and 31 Oct', () => {
    expect(endOfLondonDay('2027-03-27')).toBe('2027-03-27T23:59:59.999Z');
    expect(endOfLondonDay('2027-03-28')).toBe('2027-03-28T22:59:59.999Z');
    expect(endOfLondonDay('2027-10-30')).toBe('2027-10-30T22:59:59.999Z');
    expect(endOfLondonDay('2027-10-31')).toBe('2027-10-31T23:59:59.999Z');
  });

  test('London wall-clock times in GMT and BST', () => {
    expect(londonInstant('2026-07-01', '09:00')).toBe('2026-07-01T08:00:00.000Z');
    expect(londonInstant('2026-01-15', '09:00')).toBe('2026-01-15T09:00:00.000Z');
    expect(londonInstant('2026-07-01', '00:00')).toBe('2026-06-30T23:00:00.000Z');
    expect(londonInstant('2026-12-31', '23:59')).toBe('2026-12-31T23:59:00.000Z');
  });

  test('the London date of an instant', () => {
    expect(londonDateOf('2026-06-30T23:30:00Z')).toBe('2026-07-01');
    expect(londonDateOf('2026-06-30T22:59:59.999Z')).toBe('2026-06-30');
    expect(londonDateOf('2026-12-31T23:30:00Z')).toBe('2026-12-31');
    expect(londonDateOf('2026-03-28T23:59:59.999Z')).toBe('2026-03-28');
    expect(londonDateOf('2026-03-29T23:00:00Z')).toBe('2026-03-30');
    expect(londonDateOf('2026-10-24T23:00:00Z')).toBe('2026-10-25');
    expect(londonDateOf('2026-10-25T23:00:00Z')).toBe('2026-10-25');
    expect(londonDateOf('2026-07-01T00:30:00+02:00')).toBe('2026-06-30');
    expect(londonDateOf(new Date(Date.UTC(2026, 5, 30, 23, 30)))).toBe('2026-07-01');
  });

  test('every day of 2026 and 2027 ends on its own London date, an hour apart only at the changes', () => {
    let day = '2026-01-01';
    while (day < '2028-01-01') {
      const end = endOfLondonDay(day);
      expect(londonDateOf(end)).toBe(day);
      expect(londonDateOf(new Date(Date.parse(end) + 1))).toBe(addCalendarDays(day, 1));
      day = addCalendarDays(day, 1);
    }
  });
});

describe('invalid input', () => {
  test.each(['2026-02-30', '2027-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00'])(
    'impossible date %s',
    (bad) => {
      expect(() => addWorkingDays(bad, 1)).toThrow(RangeError);
      expect(() => addWorkingDays(bad, 1)).toThrow(bad);
      expect(() => subtractWorkingDays(bad, 1)).toThrow(RangeError);
      expect(() => addCalendarMonths(bad, 1)).toThrow(RangeError);
      expect(() => calendar.isWorkingDay(bad)).toThrow(RangeError);
      expect(() => endOfLondonDay(bad)).toThrow(RangeError);
      expect(() => londonInstant(bad, '09:00')).toThrow(RangeError);
    },
  );

  test.each(['2026-1-5', '26-12-21', '2026/12/21', '21-12-2026', '2026-12-21T00:00:00Z', ' 2026-12-21', ''])(
    'malformed date %p',
    (bad) => {
      expect(() => addWorkingDays(bad, 1)).toThrow(RangeError);
      expect(() => addWorkingDays(bad, 1)).toThrow(/YYYY-MM-DD/);
      expect(() => calendar.nonWorkingReason(bad)).toThrow(RangeError);
    },
  );

  test('29 Feb is valid in a leap year', () => {
    expect(calendar.isWorkingDay('2028-02-29')).toBe(true);
  });

  test.each([1.5, -1, Number.NaN, Number.POSITIVE_INFINITY])('working-day count %p', (n) => {
    expect(() => addWorkingDays('2026-12-21', n)).toThrow(RangeError);
    expect(() => subtractWorkingDays('2026-12-21', n)).toThrow(RangeError);
    expect(() => calendar.explainAddWorkingDays('2026-12-21', n)).toThrow(/working days/);
  });

  test.each([0.5, Number.NaN, Number.NEGATIVE_INFINITY])('month count %p', (n) => {
    expect(() => addCalendarMonths('2026-12-21', n)).toThrow(RangeError);
  });

  test.each(['9:00', '24:00', '12:60', '12:00:00', 'noon', ''])('London time %p', (bad) => {
    expect(() => londonInstant('2026-07-01', bad)).toThrow(RangeError);
  });

  test.each(['not a date', '2026-07-01', '2026-07-01T12:00', '2026-02-30T12:00:00Z', '2026-07-01T25:00:00Z'])(
    'instant %p',
    (bad) => {
      expect(() => londonDateOf(bad)).toThrow(RangeError);
    },
  );

  test('an invalid Date object', () => {
    expect(() => londonDateOf(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('holiday data', () => {
  afterEach(() => jest.restoreAllMocks());

  test('is read once per year per calendar', () => {
    const spy = jest.spyOn(Holidays.prototype, 'getHolidays');
    const fresh = new WorkingDayCalendar();
    for (let i = 0; i < 500; i += 1) {
      fresh.addWorkingDays('2026-12-21', 5);
      fresh.subtractWorkingDays('2027-03-10', 7);
    }
    const years = spy.mock.calls.map((call) => call[0]).sort();
    expect(years).toEqual([2026, 2027]);
  });
});

describe('independence from the host time zone', () => {
  // Jest's sandbox cannot change its own zone, so run the module in Node processes that have one.
  const script = `
    const { transformFileSync } = require('@swc/core');
    const Module = require('node:module');
    const path = require('node:path');
    const file = process.argv[1];
    const { code } = transformFileSync(file, {
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    const m = new Module(file);
    m.filename = file;
    m.paths = Module._nodeModulePaths(path.dirname(file));
    m._compile(code, file);
    const c = m.exports;
    const cal = new c.WorkingDayCalendar();
    process.stdout.write(JSON.stringify({
      hostHour: new Date('2026-07-01T12:00:00Z').getHours(),
      christmas: c.addWorkingDays('2026-12-21', 5),
      skipped: cal.explainAddWorkingDays('2026-12-21', 5).skipped.map((d) => d.date),
      goodFriday: cal.nonWorkingReason('2026-04-03'),
      easterMonday2027: cal.isWorkingDay('2027-03-29'),
      months: c.addCalendarMonths('2027-08-31', 6),
      back: c.subtractWorkingDays('2026-12-30', 5),
      endMarch: c.endOfLondonDay('2026-03-29'),
      endOctober: c.endOfLondonDay('2026-10-25'),
      dateOf: c.londonDateOf('2026-06-30T23:30:00Z'),
      nine: c.londonInstant('2026-07-01', '09:00'),
    }));
  `;

  test.each([
    ['Pacific/Auckland', 0],
    ['America/Los_Angeles', 5],
  ])('in %s', (zone, hostHour) => {
    const out = execFileSync(process.execPath, ['-e', script, path.resolve(__dirname, '../../domain/calendar.ts')], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, TZ: zone },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      hostHour, // proves the child really ran in that zone (noon UTC on 1 Jul 2026)
      christmas: '2026-12-30',
      skipped: ['2026-12-25', '2026-12-26', '2026-12-27', '2026-12-28'],
      goodFriday: { date: '2026-04-03', reason: 'bank holiday', name: 'Good Friday' },
      easterMonday2027: false,
      months: '2028-02-29',
      back: '2026-12-21',
      endMarch: '2026-03-29T22:59:59.999Z',
      endOctober: '2026-10-25T23:59:59.999Z',
      dateOf: '2026-07-01',
      nine: '2026-07-01T08:00:00.000Z',
    });
  });
});

function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
