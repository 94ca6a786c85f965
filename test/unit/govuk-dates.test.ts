// The pages' dates and times in the GOV.UK style, in London, whatever the host's zone: checked
// against dates stated by hand (a calendar), across both clock changes.
import { govukDate, govukDateTime, govukTime, roleWords, workingDays } from '../../web/format';

test('dates: the weekday, the day without a leading zero, the month in full, the year', () => {
  expect(govukDate('2026-12-30')).toBe('Wednesday 30 December 2026');
  expect(govukDate('2027-01-01')).toBe('Friday 1 January 2027');
  expect(govukDate('')).toBe('');
  expect(govukDate('not a date')).toBe('');
});

test('a deadline: the end of its London day, 11:59pm, in winter and in summer time', () => {
  expect(govukDateTime('2026-12-30T23:59:59.999Z')).toBe('11:59pm on Wednesday 30 December 2026');
  // British Summer Time: the end of the London day is 22:59:59.999 UTC.
  expect(govukDateTime('2026-07-01T22:59:59.999Z')).toBe('11:59pm on Wednesday 1 July 2026');
});

test('times: am and pm, no ":00" on the hour, midday', () => {
  expect(govukTime('2026-12-07T09:00:00Z')).toBe('9am');
  expect(govukTime('2026-12-07T12:00:00Z')).toBe('midday');
  expect(govukTime('2026-12-07T15:01:00Z')).toBe('3:01pm');
  expect(govukTime('2026-12-07T00:30:00Z')).toBe('12:30am');
  // 08:00 UTC in summer is 9am in London.
  expect(govukTime('2026-06-15T08:00:00Z')).toBe('9am');
});

test('working days and roles in words', () => {
  expect(workingDays(1)).toBe('1 working day');
  expect(workingDays(3)).toBe('3 working days');
  expect(roleWords('business-unit')).not.toMatch(/\(/);
});
