/** Settings changed at the till (paired terminals, the chosen scanner): JSON values by key. */
import type { Db } from './open-journal';

export interface SettingsReader {
  /** The value stored under `key` (parsed from JSON), or null when there is none. */
  get<T>(key: string): T | null;
}

export interface SettingsWriter {
  /** Stores `value` (as JSON) under `key`, replacing any previous one. */
  set(key: string, value: unknown): void;
}

export type SettingsRepository = SettingsReader & SettingsWriter;

export function createSettingsRepository(db: Db): SettingsReader & SettingsWriter {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?');
  const set = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  return {
    get<T>(key: string): T | null {
      const value = get.pluck().get(key) as string | undefined;
      return value === undefined ? null : (JSON.parse(value) as T);
    },
    set(key: string, value: unknown): void {
      set.run(key, JSON.stringify(value));
    },
  };
}
