// Persisting rotated OAuth credentials (Atlassian issues a new refresh token on every refresh and the
// old one soon stops working). Airbyte: a CONTROL message of type CONNECTOR_CONFIG with the full new
// config, which the platform stores. Singer has no such message: the config file is rewritten in
// place, atomically (a temporary file in the same folder, then rename), as Singer taps with rotating
// tokens do, so a crash leaves the old file or the new one, never half of one.
import { chmod, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConnectorError } from '../errors.js';
import { controlConfigMessage } from '../protocol/airbyte-messages.js';
import type { NdjsonSink } from '../protocol/ndjson-sink.js';
import type { JsonObject } from '../streams/stream.js';

export type PersistCredentials = (credentials: Record<string, unknown>) => Promise<void>;

/** The raw config with the new credential values merged in (kept in `holder` for the next rotation). */
function merged(holder: { raw: Record<string, unknown> }, credentials: Record<string, unknown>): Record<string, unknown> {
  const old = (holder.raw.credentials ?? {}) as Record<string, unknown>;
  holder.raw = { ...holder.raw, credentials: { ...old, ...credentials } };
  return holder.raw;
}

export function persistByControlMessage(sink: NdjsonSink, holder: { raw: Record<string, unknown> }, clock: () => number): PersistCredentials {
  return async (credentials) => {
    await sink.writeUnredacted(controlConfigMessage(merged(holder, credentials) as JsonObject, clock()));
  };
}

export function persistToConfigFile(path: string, holder: { raw: Record<string, unknown> }): PersistCredentials {
  return async (credentials) => {
    const text = `${JSON.stringify(merged(holder, credentials), null, 2)}\n`;
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      const mode = (await stat(path)).mode & 0o777;
      await writeFile(temp, text, { mode: 0o600 });
      await chmod(temp, mode);
      await rename(temp, path);
    } catch (err) {
      throw new ConnectorError(
        `Cannot save the rotated OAuth refresh token to the config file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}): make the file and its folder writable, or the next run's refresh token will no longer work.`,
        'config_error',
      );
    }
  };
}
