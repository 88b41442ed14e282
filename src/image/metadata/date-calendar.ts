/**
 * moment's calendar arithmetic for the day-of-year and week tokens. Every date here is a
 * wall-clock time stored in the UTC fields of a Date (see date-format.ts).
 */

export interface Week {
  week: number;
  year: number;
}

export function dayOfYear(local: Date): number {
  const start = new Date(0);
  start.setUTCFullYear(local.getUTCFullYear(), 0, 1);
  const today = new Date(0);
  today.setUTCFullYear(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  return Math.round((today.getTime() - start.getTime()) / 86_400_000) + 1;
}

function daysInYear(y: number): number {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365;
}

/** moment's week numbering: weeks start on `dow`; the week holding Jan `7 + dow - doy` is week 1. */
function firstWeekOffset(y: number, dow: number, doy: number): number {
  const firstWeekDay = 7 + dow - doy;
  const jan = new Date(0);
  jan.setUTCFullYear(y, 0, firstWeekDay);
  const weekdayOfIt = (7 + jan.getUTCDay() - dow) % 7;
  return -weekdayOfIt + firstWeekDay - 1;
}

function weeksInYear(y: number, dow: number, doy: number): number {
  return (daysInYear(y) - firstWeekOffset(y, dow, doy) + firstWeekOffset(y + 1, dow, doy)) / 7;
}

function weekOfYear(local: Date, dow: number, doy: number): Week {
  const y = local.getUTCFullYear();
  const week = Math.floor((dayOfYear(local) - firstWeekOffset(y, dow, doy) - 1) / 7) + 1;
  if (week < 1) return { week: week + weeksInYear(y - 1, dow, doy), year: y - 1 };
  if (week > weeksInYear(y, dow, doy))
    return { week: week - weeksInYear(y, dow, doy), year: y + 1 };
  return { week, year: y };
}

/** ISO weeks start on Monday and week 1 holds Jan 4; the English locale's on Sunday, holding Jan 1. */
export const isoWeek = (local: Date) => weekOfYear(local, 1, 4);
export const localeWeek = (local: Date) => weekOfYear(local, 0, 6);
