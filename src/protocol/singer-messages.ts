// Constructors for the Singer messages this tap emits (singer-io/getting-started SPEC.md).
import type { JsonObject } from '../streams/stream.js';

export type SingerMessage = JsonObject & { type: string };

export function schemaMessage(
  stream: string,
  schema: JsonObject,
  keyProperties: string[],
  bookmarkProperties: string[],
): SingerMessage {
  return { type: 'SCHEMA', stream, schema, key_properties: keyProperties, bookmark_properties: bookmarkProperties };
}

/** `timeExtracted` in epoch ms; written as RFC 3339 UTC (`...Z`), as singer-python does. */
export function recordMessage(stream: string, record: JsonObject, timeExtracted: number): SingerMessage {
  return { type: 'RECORD', stream, record, time_extracted: new Date(timeExtracted).toISOString() };
}

export function stateMessage(value: JsonObject): SingerMessage {
  return { type: 'STATE', value };
}
