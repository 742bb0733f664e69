// Airbyte catalogs: the CATALOG this source discovers, and the ConfiguredAirbyteCatalog `read` gets.
import { configError } from '../errors.js';
import type { PlannedStream } from '../source.js';
import type { JsonObject, Stream, SyncMode } from '../streams/stream.js';
import { fieldSelection } from './select-fields.js';
import { isObject, streamNames } from './input-shape.js';
import type { JsonInput } from './json-input.js';

export function airbyteStream(stream: Stream): JsonObject {
  const entry: JsonObject = {
    name: stream.name,
    json_schema: stream.schema,
    supported_sync_modes: stream.cursorField ? ['full_refresh', 'incremental'] : ['full_refresh'],
    source_defined_primary_key: stream.primaryKey,
    is_resumable: stream.cursorField !== undefined,
  };
  if (stream.cursorField) {
    entry.source_defined_cursor = true;
    entry.default_cursor_field = stream.cursorField;
  }
  return entry;
}

const SYNC_MODES: SyncMode[] = ['full_refresh', 'incremental'];

/** Validates a configured catalog against the streams we offer and turns it into a read plan (no state yet). */
export function planFromConfiguredCatalog(value: unknown, file: string, streams: Stream[]): PlannedStream[] {
  const fix = 'pass a ConfiguredAirbyteCatalog built from `discover`';
  if (!isObject(value) || !Array.isArray(value.streams)) {
    throw configError(`Catalog file ${file}: must be a JSON object with a "streams" list; ${fix}`);
  }
  const seen = new Set<string>();
  return value.streams.map((entry: unknown, i: number): PlannedStream => {
    const name = isObject(entry) && isObject(entry.stream) ? entry.stream.name : undefined;
    if (!isObject(entry) || typeof name !== 'string') {
      throw configError(`Catalog file ${file}: streams[${i}] has no stream.name; ${fix}`);
    }
    const stream = streams.find((s) => s.name === name);
    if (!stream) {
      throw configError(
        `Catalog file ${file}: stream "${name}" is not offered by this source (it offers: ${streamNames(streams)}); remove it from the catalog or run discover again`,
      );
    }
    if (seen.has(name)) throw configError(`Catalog file ${file}: stream "${name}" is listed twice; keep one entry`);
    seen.add(name);
    const syncMode = entry.sync_mode as SyncMode;
    if (!SYNC_MODES.includes(syncMode)) {
      throw configError(`Catalog file ${file}: stream "${name}" has an invalid sync_mode; use "full_refresh" or "incremental"`);
    }
    const schema = (entry.stream as JsonObject).json_schema;
    const properties = isObject(schema) && isObject(schema.properties) ? Object.keys(schema.properties) : undefined;
    const fields = properties && fieldSelection(stream, properties);
    // PyAirbyte (and other hosts) configure every stream as incremental; the Airbyte CDK reads a stream
    // without a cursor in full then, and so does this source, saying so.
    const catalogSchema = isObject(schema) ? schema : undefined;
    if (syncMode === 'incremental' && !stream.cursorField) {
      return { stream, syncMode: 'full_refresh', fields, catalogSchema, note: `${name}: the catalog asks for incremental, but the stream has no cursor: it is read in full` };
    }
    return { stream, syncMode, fields, catalogSchema };
  });
}

/**
 * The catalog `read --catalog` got: a ConfiguredAirbyteCatalog (what the platform sends), or
 * discover's own output (the CATALOG message, its `catalog`, or the NDJSON file `discover >` wrote),
 * which is configured here: every stream, incremental where it has a cursor (append_dedup), else
 * full_refresh (overwrite). `discovered` lists the streams configured so, for an INFO line.
 */
export function configuredCatalogOf(input: JsonInput, file: string): { catalog: unknown; discovered?: string } {
  let value: unknown;
  if ('lines' in input) {
    value = input.lines.filter((m) => isObject(m) && m.type === 'CATALOG').at(-1);
    if (value === undefined) {
      throw configError(`Catalog file ${file} holds messages but no CATALOG message; pass discover's output or a ConfiguredAirbyteCatalog`);
    }
  } else {
    value = input.value;
  }
  if (isObject(value) && value.type === 'CATALOG') value = value.catalog;
  const isDiscovered =
    isObject(value) && Array.isArray(value.streams) && value.streams.length > 0 && value.streams.every((s) => isObject(s) && typeof s.name === 'string' && !('stream' in s));
  if (!isDiscovered) return { catalog: value };
  const streams = ((value as JsonObject).streams as JsonObject[]).map((stream) => {
    const incremental = Array.isArray(stream.supported_sync_modes) && stream.supported_sync_modes.includes('incremental');
    return {
      stream,
      sync_mode: incremental ? 'incremental' : 'full_refresh',
      destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
      ...(incremental && stream.default_cursor_field ? { cursor_field: stream.default_cursor_field } : {}),
      ...(stream.source_defined_primary_key ? { primary_key: stream.source_defined_primary_key } : {}),
    };
  });
  const discovered = streams.map((s) => `${String(s.stream.name)} ${s.sync_mode}`).join(', ');
  return { catalog: { streams }, discovered };
}
