import { describe, expect, it } from 'vitest';
import { csvDateTime, formatLocalDateTime, localDateTimeParts, resolvedTimeZone } from '../../../src-shared/local-time';

// 2026-12-06 10:04:57.123 UTC: 05:04 in Toronto (UTC−5, winter), 11:04 in Paris (UTC+1).
const WINTER = '2026-12-06T10:04:57.123Z';
// 2026-07-01 12:00 UTC: 08:00 in Toronto (UTC−4, summer), 14:00 in Paris (UTC+2).
const SUMMER = '2026-07-01T12:00:00Z';

describe('formatLocalDateTime', () => {
  it('writes one instant in the store zone, 24 h, ISO order', () => {
    expect(formatLocalDateTime(WINTER, { timeZone: 'America/Toronto', locale: 'en-CA' })).toBe('2026-12-06 05:04');
    expect(formatLocalDateTime(WINTER, { timeZone: 'Europe/Paris', locale: 'en-CA' })).toBe('2026-12-06 11:04');
    expect(formatLocalDateTime(SUMMER, { timeZone: 'America/Toronto', locale: 'en-CA' })).toBe('2026-07-01 08:00');
    expect(formatLocalDateTime(SUMMER, { timeZone: 'Europe/Paris', locale: 'en-CA' })).toBe('2026-07-01 14:00');
  });

  it('writes the afternoon in 24 h and crosses midnight into the local date', () => {
    expect(formatLocalDateTime('2026-12-06T19:30:00Z', { timeZone: 'Europe/Paris' })).toBe('2026-12-06 20:30');
    expect(formatLocalDateTime('2026-12-06T03:30:00Z', { timeZone: 'America/Toronto' })).toBe('2026-12-05 22:30');
    expect(formatLocalDateTime('2026-12-06T23:00:00Z', { timeZone: 'Europe/Paris' })).toBe('2026-12-07 00:00');
  });

  it('reads an instant with an explicit offset', () => {
    expect(formatLocalDateTime('2026-12-06T11:04:57+01:00', { timeZone: 'America/Toronto' })).toBe('2026-12-06 05:04');
  });

  it('writes the same pattern whatever the locale', () => {
    for (const locale of ['en-CA', 'en-US', 'fr-CA', 'fr-FR', 'de-DE', 'ar-EG', 'ja-JP']) {
      expect(formatLocalDateTime(WINTER, { timeZone: 'Europe/Paris', locale })).toBe('2026-12-06 11:04');
    }
  });

  it('uses the runtime zone when none is given, and when the zone is unknown', () => {
    const runtime = formatLocalDateTime(WINTER, {});
    expect(runtime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(formatLocalDateTime(WINTER, { timeZone: resolvedTimeZone() })).toBe(runtime);
    expect(formatLocalDateTime(WINTER, { timeZone: 'Mars/Olympus_Mons' })).toBe(runtime);
    expect(resolvedTimeZone('Europe/Paris')).toBe('Europe/Paris');
  });

  it('shows a bad, local or absent time as it came, without throwing', () => {
    expect(formatLocalDateTime('not a date', { timeZone: 'Europe/Paris' })).toBe('not a date');
    expect(formatLocalDateTime('2026-13-45T99:99:00Z', { timeZone: 'Europe/Paris' })).toBe('2026-13-45T99:99:00Z');
    // A terminal's own local time carries no zone: printed as the terminal sent it.
    expect(formatLocalDateTime('2026-12-06 14:05:09', { timeZone: 'Europe/Paris' })).toBe('2026-12-06 14:05:09');
    expect(formatLocalDateTime('', { timeZone: 'Europe/Paris' })).toBe('');
    expect(formatLocalDateTime(undefined)).toBe('');
    expect(formatLocalDateTime(null)).toBe('');
    expect(localDateTimeParts('garbage')).toBeNull();
    expect(localDateTimeParts(WINTER, { timeZone: 'Europe/Paris' })).toEqual({ date: '2026-12-06', time: '11:04' });
  });
});

describe('csvDateTime', () => {
  it('gives seconds and the zone offset at that instant', () => {
    expect(csvDateTime(WINTER, { timeZone: 'America/Toronto' })).toEqual({
      time: '2026-12-06 05:04:57',
      offset: 'UTC-05:00',
    });
    expect(csvDateTime(WINTER, { timeZone: 'Europe/Paris' })).toEqual({
      time: '2026-12-06 11:04:57',
      offset: 'UTC+01:00',
    });
    expect(csvDateTime(SUMMER, { timeZone: 'America/Toronto' })).toEqual({
      time: '2026-07-01 08:00:00',
      offset: 'UTC-04:00',
    });
    expect(csvDateTime(SUMMER, { timeZone: 'Asia/Kolkata' })).toEqual({
      time: '2026-07-01 17:30:00',
      offset: 'UTC+05:30',
    });
    expect(csvDateTime(SUMMER, { timeZone: 'UTC' }).offset).toBe('UTC+00:00');
  });

  it('tells apart the two 01:30s of the night the clocks go back', () => {
    // Toronto, 2026-11-01: 01:30 EDT (05:30Z) then 01:30 EST (06:30Z).
    expect(csvDateTime('2026-11-01T05:30:00Z', { timeZone: 'America/Toronto' })).toEqual({
      time: '2026-11-01 01:30:00',
      offset: 'UTC-04:00',
    });
    expect(csvDateTime('2026-11-01T06:30:00Z', { timeZone: 'America/Toronto' })).toEqual({
      time: '2026-11-01 01:30:00',
      offset: 'UTC-05:00',
    });
  });

  it('gives a bad time as it came and no offset', () => {
    expect(csvDateTime('yesterday', { timeZone: 'Europe/Paris' })).toEqual({ time: 'yesterday', offset: '' });
    expect(csvDateTime(undefined)).toEqual({ time: '', offset: '' });
  });
});
