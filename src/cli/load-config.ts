// Reads and validates the config file. The redactor is installed from the raw file before validation,
// so even the errors about an invalid config cannot print a secret it holds.
import type { Config } from '../config/config.js';
import { redactorFor, type GrowingRedactor } from '../config/redact.js';
import { unknownConfigKeys, validateConfig } from '../config/validate-config.js';
import type { Logger } from '../logger.js';
import { readJsonFile } from './read-json-file.js';

/** `useRaw` gets the config as the file holds it (no defaults), for rewriting it with rotated credentials. */
export async function loadConfig(
  path: string,
  useRedactor: (redact: GrowingRedactor) => void,
  logger: Logger,
  useRaw?: (raw: Record<string, unknown>) => void,
): Promise<Config> {
  const raw = await readJsonFile(path, 'config');
  useRedactor(redactorFor(raw));
  const config = validateConfig(raw);
  useRaw?.(raw as Record<string, unknown>);
  for (const key of unknownConfigKeys(raw)) logger.warn(`config: unknown option "${key}" is ignored; see spec.json for the options`);
  return config;
}
