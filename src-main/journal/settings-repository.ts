/** Settings changed at the till (paired terminals, the chosen scanner): JSON values by key. */
import type { Db } from './open-journal';

export function createSettingsRepository(db: Db) {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?');
  const set = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
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

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
