/**
 * One way to write a time, everywhere: receipts, reports on screen and on paper, and the
 * CSV export. Times are stored as UTC instants (ISO 8601 with `Z`); they are shown in the
 * store's time zone (config `store.timeZone`, an IANA name; absent = the machine's own).
 *
 * Shown: `2026-12-06 14:05` (ISO order, 24 h, the same in every locale so a receipt reads
 * the same in English and French and a list sorts by its text).
 * CSV: `2026-12-06 14:05:09`, which spreadsheets read as a date-time, with the zone's UTC
 * offset at that instant (`UTC-05:00`) beside it: an hour repeated when the clocks go back
 * stays unambiguous.
 *
 * Only a text carrying its own zone (`Z` or `±hh:mm`) is converted. Anything else, such as a
 * terminal's local `2026-12-06 14:05:09` or a bad value, is returned as it came: these
 * functions never throw, a receipt is printed after the money has moved.
 */

export interface LocalTimeOptions {
  /** IANA zone name (`America/Toronto`); absent, empty or unknown = the runtime's zone. */
  timeZone?: string;
  /**
   * The Intl locale the parts are read with. The pattern itself does not change with it
   * (Latin digits, ISO order, 24 h).
   */
  locale?: string;
}

/** An instant with an explicit zone: `2026-12-06T10:04:57.123Z`, `2026-12-06T11:04:57+01:00`. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

interface Parts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined, locale: string | undefined): Intl.DateTimeFormat {
  const key = `${timeZone ?? ''}|${locale ?? ''}`;
  let format = formatters.get(key);
  if (!format) {
    const fields: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      numberingSystem: 'latn',
      calendar: 'gregory',
    };
    try {
      format = new Intl.DateTimeFormat(locale || 'en-CA', { ...fields, timeZone: timeZone || undefined });
    } catch {
      // An unknown zone or locale (config validates the zone; a stored receipt may predate it):
      // the runtime's zone is better than no receipt.
      format = new Intl.DateTimeFormat('en-CA', fields);
    }
    formatters.set(key, format);
  }
  return format;
}

function instant(text: string | null | undefined): Date | null {
  if (typeof text !== 'string' || !INSTANT.test(text.trim())) return null;
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? null : date;
}

function partsOf(date: Date, options: LocalTimeOptions): Parts {
  const parts: Record<string, string> = {};
  for (const part of formatter(options.timeZone, options.locale).formatToParts(date)) parts[part.type] = part.value;
  return {
    year: parts.year ?? '',
    month: parts.month ?? '',
    day: parts.day ?? '',
    // Some runtimes write midnight as 24 even in h23.
    hour: parts.hour === '24' ? '00' : (parts.hour ?? ''),
    minute: parts.minute ?? '',
    second: parts.second ?? '',
  };
}

/** The zone's name: the one given, or the runtime's when absent. */
export function resolvedTimeZone(timeZone?: string): string {
  return formatter(timeZone, undefined).resolvedOptions().timeZone;
}

/** Date and time apart (`2026-12-06`, `14:05`), for layouts that print them on two lines; null for a text that is not an instant. */
export function localDateTimeParts(
  iso: string | null | undefined,
  options: LocalTimeOptions = {},
): { date: string; time: string } | null {
  const date = instant(iso);
  if (!date) return null;
  const p = partsOf(date, options);
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** `2026-12-06 14:05` in the store's zone; the input as it came when it is not an instant, '' when absent. */
export function formatLocalDateTime(iso: string | null | undefined, options: LocalTimeOptions = {}): string {
  const parts = localDateTimeParts(iso, options);
  return parts ? `${parts.date} ${parts.time}` : (iso ?? '');
}

/** The zone's offset from UTC at an instant, in minutes (Toronto in winter: −300). */
function offsetMinutes(date: Date, p: Parts): number {
  const wall = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/** A zone's offset in minutes as `UTC-05:00`. */
function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The CSV form: `{ time: '2026-12-06 14:05:09', offset: 'UTC+01:00' }` in the store's zone.
 * Not an instant: the input as it came and no offset. The offset starts with `UTC` so a
 * spreadsheet never reads it as a formula or a number.
 */
export function csvDateTime(
  iso: string | null | undefined,
  options: LocalTimeOptions = {},
): { time: string; offset: string } {
  const date = instant(iso);
  if (!date) return { time: iso ?? '', offset: '' };
  const p = partsOf(date, options);
  return {
    time: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`,
    offset: offsetText(offsetMinutes(date, p)),
  };
}
