import { describe, expect, it } from 'vitest';
import { formatDate } from '../../../src/image/metadata/date-format.js';
import { isTimeZone } from '../../../src/image/metadata/time-zones.js';

/** A Friday, 23:45:00.123 UTC: the next day already in Asia and Australia. */
const FRIDAY = new Date('2026-01-09T23:45:00.123Z');

describe('{{date}} formats with moment tokens', () => {
  it.each<[string, string, string]>([
    ['ISO with milliseconds', 'YYYY-MM-DDTHH:mm:ss.SSSZ', '2026-01-09T23:45:00.123+00:00'],
    ['short numbers', 'YY M D H h hh m s', '26 1 9 23 11 11 45 0'],
    ['meridiem', 'a A', 'pm PM'],
    ['names and ordinals', 'Do MMM MMMM dd ddd dddd Mo', '9th Jan January Fr Fri Friday 1st'],
    ['quarter, day of year, weekday', 'Q Qo DDD DDDD d E e', '1 1st 9 009 5 5 5'],
    ['ISO week', 'GGGG[w]WW W Wo', '2026w02 2 2nd'],
    ['locale week (Sunday first)', 'gggg-ww w', '2026-02 2'],
    ['fractions of a second', 'S SS SSS SSSS', '1 12 123 1230'],
    ['epoch milliseconds and seconds', 'x X', '1768002300123 1768002300'],
    ['offsets', 'Z ZZ', '+00:00 +0000'],
    ['bracketed literal text', "[at] HH:mm [o'clock]", "at 23:45 o'clock"],
    ['a backslash escapes a token', '\\YYYY', 'YYYY'],
    ['characters that are no token stay', 'YYYY_MM.DD/!', '2026_01.09/!'],
    ['localised long formats', 'LLLL', 'Friday, January 9, 2026 11:45 PM'],
    ['localised short formats', 'l LT', '1/9/2026 11:45 PM'],
    ['compact hour tokens', 'Hmm hmmss', '2345 114500'],
    ['no format: ISO 8601 with Z', '', '2026-01-09T23:45:00Z'],
  ])('%s: %s', (_name, format, formatted) => {
    expect(formatDate(FRIDAY, 'UTC', format)).toBe(formatted);
  });

  it.each<[string, string, string, string]>([
    ['midnight is 24 with k', '2026-01-10T00:30:00Z', 'k kk H', '24 24 0'],
    ['ISO week 53 of the old year', '2027-01-01T12:00:00Z', 'GGGG-WW dddd', '2026-53 Friday'],
    ['locale week 1 of the new year', '2026-12-29T12:00:00Z', 'gggg-ww GGGG-WW', '2027-01 2026-53'],
    ['a leap day', '2028-02-29T12:00:00Z', 'DDDD Do', '060 29th'],
  ])('%s', (_name, instant, format, formatted) => {
    expect(formatDate(new Date(instant), 'UTC', format)).toBe(formatted);
  });
});

describe('{{date}} in a time zone', () => {
  it.each<[string, string, string, string]>([
    [
      'Tokyo is already Saturday',
      'Asia/Tokyo',
      FRIDAY.toISOString(),
      '2026-01-10 08:45 Sat +09:00',
    ],
    ['New York in winter', 'America/New_York', FRIDAY.toISOString(), '2026-01-09 18:45 Fri -05:00'],
    // The US springs forward at 02:00 local on 8 March 2026: 01:59:59 EST, then 03:00 EDT.
    [
      'New York before DST',
      'America/New_York',
      '2026-03-08T06:59:59Z',
      '2026-03-08 01:59 Sun -05:00',
    ],
    [
      'New York after DST',
      'America/New_York',
      '2026-03-08T07:00:00Z',
      '2026-03-08 03:00 Sun -04:00',
    ],
    ['Paris after DST', 'Europe/Paris', '2026-03-29T01:00:00Z', '2026-03-29 03:00 Sun +02:00'],
    ['India: half an hour', 'Asia/Kolkata', FRIDAY.toISOString(), '2026-01-10 05:15 Sat +05:30'],
    [
      'Newfoundland: minus half an hour',
      'America/St_Johns',
      FRIDAY.toISOString(),
      '2026-01-09 20:15 Fri -03:30',
    ],
    [
      'Nepal: three quarters',
      'Asia/Kathmandu',
      FRIDAY.toISOString(),
      '2026-01-10 05:30 Sat +05:45',
    ],
    [
      'Adelaide in summer time',
      'Australia/Adelaide',
      FRIDAY.toISOString(),
      '2026-01-10 10:15 Sat +10:30',
    ],
    [
      'Adelaide in winter',
      'Australia/Adelaide',
      '2026-07-01T00:00:00Z',
      '2026-07-01 09:30 Wed +09:30',
    ],
  ])('%s', (_name, zone, instant, formatted) => {
    expect(formatDate(new Date(instant), zone, 'YYYY-MM-DD HH:mm ddd Z')).toBe(formatted);
  });

  it('without a format: ISO 8601 with the offset', () => {
    expect(formatDate(FRIDAY, 'Asia/Kolkata', undefined)).toBe('2026-01-10T05:15:00+05:30');
  });

  it.each<[string, string, string]>([
    ['UTC', FRIDAY.toISOString(), 'UTC'],
    ['America/New_York', FRIDAY.toISOString(), 'EST'],
    ['America/New_York', '2026-07-01T00:00:00Z', 'EDT'],
    // Intl has no JST; the tz database's numeric form, as it writes zones without a name.
    ['Asia/Tokyo', FRIDAY.toISOString(), '+09'],
    ['Asia/Kolkata', FRIDAY.toISOString(), '+0530'],
  ])('zone abbreviation in %s at %s: %s', (zone, instant, abbreviation) => {
    expect(formatDate(new Date(instant), zone, 'z')).toBe(abbreviation);
  });
});

describe('time zone names', () => {
  it.each<[string, boolean]>([
    ['Europe/Paris', true],
    ['asia/tokyo', true],
    ['UTC', true],
    ['Etc/GMT+5', true],
    ['Mars/Olympus', false],
    ['Europe/Pariss', false],
    ['+09:00', false],
    ['', false],
  ])('%s: %s', (zone, known) => {
    expect(isTimeZone(zone)).toBe(known);
  });
});
