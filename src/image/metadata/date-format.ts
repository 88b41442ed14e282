import { dayOfYear, isoWeek, localeWeek } from './date-calendar.js';
import { zonedTime } from './time-zones.js';

/**
 * moment's `format()` in its default English locale, for `{{date 'format' tz='Zone'}}`:
 * metadata-action formats with moment-timezone, so its users write moment's tokens. The zone's
 * offset comes from Intl; every field is then read from the instant shifted by that offset.
 */

/** moment's own tokenizer: `[literal]`, a backslash-escaped token, a token, or one character. */
const TOKENS =
  /(\[[^[]*\])|(\\)?([Hh]mm(ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|Qo?|N{1,5}|YYYYYY|YYYYY|YYYY|YY|y{2,4}|yo?|gg(ggg?)?|GG(GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|.)/g;
const LOCALIZED = /(\[[^[]*\])|(\\)?(LTS|LT|LL?L?L?|l{1,4})/g;

/** The English locale's long formats; the lower-case ones are these with shorter names. */
const LONG_FORMATS: Record<string, string> = {
  LTS: 'h:mm:ss A',
  LT: 'h:mm A',
  L: 'MM/DD/YYYY',
  LL: 'MMMM D, YYYY',
  LLL: 'MMMM D, YYYY h:mm A',
  LLLL: 'dddd, MMMM D, YYYY h:mm A',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** What moment formats without a format: ISO 8601 with the offset, or `Z` in UTC. */
const DEFAULT_FORMAT = 'YYYY-MM-DDTHH:mm:ssZ';
const DEFAULT_FORMAT_UTC = 'YYYY-MM-DDTHH:mm:ss[Z]';

/** The instant as seen in one zone: its wall-clock fields are the UTC fields of `local`. */
interface Moment {
  instant: Date;
  local: Date;
  offset: number;
  shortName: string;
}

type Token = (m: Moment) => string | number;

export function formatDate(date: Date, zone: string, format: string | undefined): string {
  const { offset, shortName } = zonedTime(date, zone);
  const moment: Moment = {
    instant: date,
    local: new Date(date.getTime() + offset * 60_000),
    offset,
    shortName,
  };
  const written = format || (offset === 0 ? DEFAULT_FORMAT_UTC : DEFAULT_FORMAT);
  return expandLocalized(written).replace(TOKENS, (token) => {
    const formatter = FORMATTERS[token];
    return formatter ? String(formatter(moment)) : unescapeLiteral(token);
  });
}

/** L, LL, LT… become the tokens they stand for (moment expands up to five levels deep too). */
function expandLocalized(format: string): string {
  let expanded = format;
  for (let depth = 0; depth < 5 && LOCALIZED.test(expanded); depth++) {
    LOCALIZED.lastIndex = 0;
    expanded = expanded.replace(LOCALIZED, (token) => longFormat(token) ?? token);
  }
  return expanded;
}

function longFormat(token: string): string | undefined {
  const upper = LONG_FORMATS[token.toUpperCase()];
  if (upper === undefined || token === token.toUpperCase()) return LONG_FORMATS[token];
  const shorter = new Set(['MMMM', 'MM', 'DD', 'dddd']);
  return (upper.match(TOKENS) ?? [])
    .map((part) => (shorter.has(part) ? part.slice(1) : part))
    .join('');
}

function unescapeLiteral(token: string): string {
  return /^\[[\s\S]/.test(token) ? token.replace(/^\[|\]$/g, '') : token.replace(/\\/g, '');
}

/** moment's zeroFill: at least `length` digits, the sign in front (`+` only when forced). */
function pad(value: number, length: number, forceSign = false): string {
  const digits = String(Math.abs(value));
  const sign = value >= 0 ? (forceSign ? '+' : '') : '-';
  return sign + '0'.repeat(Math.max(0, length - digits.length)) + digits;
}

function ordinal(value: number): string {
  const ones = value % 10;
  const suffix =
    Math.trunc((value % 100) / 10) === 1
      ? 'th'
      : ones === 1
        ? 'st'
        : ones === 2
          ? 'nd'
          : ones === 3
            ? 'rd'
            : 'th';
  return `${value}${suffix}`;
}

const year = (m: Moment) => m.local.getUTCFullYear();
const month = (m: Moment) => m.local.getUTCMonth();
const day = (m: Moment) => m.local.getUTCDate();
const weekday = (m: Moment) => m.local.getUTCDay();
const hours = (m: Moment) => m.local.getUTCHours();

function offsetText(m: Moment, separator: string): string {
  const minutes = Math.abs(m.offset);
  const sign = m.offset < 0 ? '-' : '+';
  return `${sign}${pad(Math.trunc(minutes / 60), 2)}${separator}${pad(minutes % 60, 2)}`;
}

/**
 * moment-timezone printed the tz database's abbreviation; Intl only has its own short names,
 * which agree for UTC and the US zones, and otherwise come out as the database's numeric form.
 */
function zoneAbbreviation(m: Moment): string {
  const numeric = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(m.shortName);
  if (numeric === null) return m.shortName;
  const [, sign, hours, minutes] = numeric;
  return `${sign}${hours.padStart(2, '0')}${minutes ?? ''}`;
}

const eraYear = (m: Moment) => (year(m) > 0 ? year(m) : 1 - year(m));
const era = (m: Moment) => (year(m) > 0 ? 'AD' : 'BC');
const meridiem = (m: Moment) => (hours(m) > 11 ? 'pm' : 'am');
/** S to SSSSSSSSS: the first digits of the milliseconds, then zeros (moment has no finer time). */
const fraction = (digits: number) => (m: Moment) => {
  const ms = m.instant.getUTCMilliseconds();
  return pad(digits <= 3 ? Math.floor(ms / 10 ** (3 - digits)) : ms * 10 ** (digits - 3), digits);
};

const FORMATTERS: Record<string, Token> = {
  M: (m) => month(m) + 1,
  Mo: (m) => ordinal(month(m) + 1),
  MM: (m) => pad(month(m) + 1, 2),
  MMM: (m) => MONTHS[month(m)].slice(0, 3),
  MMMM: (m) => MONTHS[month(m)],
  Q: (m) => Math.ceil((month(m) + 1) / 3),
  Qo: (m) => ordinal(Math.ceil((month(m) + 1) / 3)),
  D: day,
  Do: (m) => ordinal(day(m)),
  DD: (m) => pad(day(m), 2),
  DDD: (m) => dayOfYear(m.local),
  DDDo: (m) => ordinal(dayOfYear(m.local)),
  DDDD: (m) => pad(dayOfYear(m.local), 3),
  d: weekday,
  do: (m) => ordinal(weekday(m)),
  dd: (m) => WEEKDAYS[weekday(m)].slice(0, 2),
  ddd: (m) => WEEKDAYS[weekday(m)].slice(0, 3),
  dddd: (m) => WEEKDAYS[weekday(m)],
  e: weekday,
  E: (m) => weekday(m) || 7,
  w: (m) => localeWeek(m.local).week,
  wo: (m) => ordinal(localeWeek(m.local).week),
  ww: (m) => pad(localeWeek(m.local).week, 2),
  W: (m) => isoWeek(m.local).week,
  Wo: (m) => ordinal(isoWeek(m.local).week),
  WW: (m) => pad(isoWeek(m.local).week, 2),
  Y: (m) => (year(m) <= 9999 ? pad(year(m), 4) : `+${year(m)}`),
  YY: (m) => pad(year(m) % 100, 2),
  YYYY: (m) => pad(year(m), 4),
  YYYYY: (m) => pad(year(m), 5),
  YYYYYY: (m) => pad(year(m), 6, true),
  y: eraYear,
  yo: (m) => ordinal(eraYear(m)),
  yy: (m) => pad(eraYear(m), 2),
  yyy: (m) => pad(eraYear(m), 3),
  yyyy: (m) => pad(eraYear(m), 4),
  N: era,
  NN: era,
  NNN: era,
  NNNN: (m) => (year(m) > 0 ? 'Anno Domini' : 'Before Christ'),
  NNNNN: era,
  gg: (m) => pad(localeWeek(m.local).year % 100, 2),
  gggg: (m) => pad(localeWeek(m.local).year, 4),
  ggggg: (m) => pad(localeWeek(m.local).year, 5),
  GG: (m) => pad(isoWeek(m.local).year % 100, 2),
  GGGG: (m) => pad(isoWeek(m.local).year, 4),
  GGGGG: (m) => pad(isoWeek(m.local).year, 5),
  a: meridiem,
  A: (m) => meridiem(m).toUpperCase(),
  H: hours,
  HH: (m) => pad(hours(m), 2),
  h: (m) => hours(m) % 12 || 12,
  hh: (m) => pad(hours(m) % 12 || 12, 2),
  k: (m) => hours(m) || 24,
  kk: (m) => pad(hours(m) || 24, 2),
  m: (m) => m.local.getUTCMinutes(),
  mm: (m) => pad(m.local.getUTCMinutes(), 2),
  s: (m) => m.local.getUTCSeconds(),
  ss: (m) => pad(m.local.getUTCSeconds(), 2),
  Hmm: (m) => `${hours(m)}${pad(m.local.getUTCMinutes(), 2)}`,
  Hmmss: (m) => `${hours(m)}${pad(m.local.getUTCMinutes(), 2)}${pad(m.local.getUTCSeconds(), 2)}`,
  hmm: (m) => `${hours(m) % 12 || 12}${pad(m.local.getUTCMinutes(), 2)}`,
  hmmss: (m) =>
    `${hours(m) % 12 || 12}${pad(m.local.getUTCMinutes(), 2)}${pad(m.local.getUTCSeconds(), 2)}`,
  x: (m) => m.instant.getTime(),
  X: (m) => Math.floor(m.instant.getTime() / 1000),
  z: zoneAbbreviation,
  zz: zoneAbbreviation,
  Z: (m) => offsetText(m, ':'),
  ZZ: (m) => offsetText(m, ''),
};
for (let digits = 1; digits <= 9; digits++) FORMATTERS['S'.repeat(digits)] = fraction(digits);
