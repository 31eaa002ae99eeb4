/** Reads and validates the config file; a bad file stops the start with a sentence naming the field. */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { PROVIDER_MODULES } from '../payments/provider-list';
import type { AnyProviderModule } from '../payments/provider-module';
import { configSchema, type AppConfig } from './config-schema';

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The schema a config is read with: the build's, or one for another provider list (`appConfigSchemaFor`). */
export type ConfigSchema = Pick<typeof configSchema, 'safeParse'>;

/** Validates an already-parsed config object. `baseDir` resolves a relative dataDir. */
export function parseConfig(
  raw: unknown,
  source: string,
  baseDir: string,
  schema: ConfigSchema = configSchema,
): AppConfig {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join('.') || '(top level)';
    throw new ConfigError(`Config error in ${source}: ${field}: ${issue.message}`, field);
  }
  const config = result.data;
  return { ...config, dataDir: isAbsolute(config.dataDir) ? config.dataDir : resolve(baseDir, config.dataDir) };
}

/** Reads the file as JSON, with a clear error for unreadable or malformed files. */
export function readConfigJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      null,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${(error as Error).message}`, null);
  }
}

export function configBaseDir(path: string): string {
  return dirname(resolve(path));
}

/** Secrets stay in the config file for the headless host (DESIGN.md §4): warn when others can read it. */
export function configPermissionWarning(
  path: string,
  config: AppConfig,
  modules: readonly AnyProviderModule[] = PROVIDER_MODULES,
): string | null {
  const blocks = config.providers as Readonly<Record<string, unknown>>;
  const hasSecrets = modules.some((m) => m.secrets && blocks[m.key] !== undefined);
  if (!hasSecrets || process.platform === 'win32') return null;
  const mode = statSync(path).mode & 0o777;
  return mode & 0o077
    ? `Config file ${path} holds gateway keys but is readable by others (mode ${mode.toString(8)}); run chmod 600 on it.`
    : null;
}
