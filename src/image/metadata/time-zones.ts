/**
 * Time zones through the runtime's own Intl data (ICU), which is what lets the image action
 * format `{{date 'format' tz='Zone'}}` without shipping a copy of the tz database.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter per zone, made once: creating one costs far more than using it. */
function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  const cached = formatters.get(zone);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    });
  } catch {
    return undefined;
  }
  formatters.set(zone, formatter);
  return formatter;
}

/**
 * Whether `zone` names an IANA zone (any letter case, as moment-timezone accepted). Fixed
 * offsets such as '+09:00', which newer Intl also accepts, are not zone names.
 */
export function isTimeZone(zone: string): boolean {
  return /^[A-Za-z]/.test(zone) && formatterFor(zone) !== undefined;
}

export interface ZonedTime {
  /** Minutes east of UTC at that instant. */
  offset: number;
  /** The zone's short name at that instant as Intl knows it (EST, GMT+9, …). */
  shortName: string;
}

/** The zone's offset and short name at `date`; the zone must be one isTimeZone accepted. */
export function zonedTime(date: Date, zone: string): ZonedTime {
  const formatter = formatterFor(zone);
  if (formatter === undefined) throw new RangeError(`Unknown time zone ${zone}`);
  const fields: Record<string, string> = {};
  for (const part of formatter.formatToParts(date)) fields[part.type] = part.value;
  const year = Number(fields.year);
  const local = new Date(0);
  local.setUTCFullYear(
    fields.era === 'BC' ? 1 - year : year,
    Number(fields.month) - 1,
    Number(fields.day),
  );
  local.setUTCHours(Number(fields.hour), Number(fields.minute), Number(fields.second));
  const wholeSeconds = date.getTime() - date.getUTCMilliseconds();
  return {
    offset: Math.round((local.getTime() - wholeSeconds) / 60_000),
    shortName: fields.timeZoneName ?? '',
  };
}
