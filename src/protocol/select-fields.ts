// Field selection shared by both fronts: a catalog names the top-level fields a user wants; the
// primary key and the cursor are always kept (targets upsert on one and resume on the other).
import { DELETION_MARKER } from './deletion-marker.js';
import type { JsonObject, Stream } from '../streams/stream.js';

/** Top-level fields that can never be deselected. */
export function requiredFields(stream: Stream): string[] {
  const paths = [...stream.primaryKey, ...(stream.cursorField ? [stream.cursorField] : [])];
  // A tombstone without its marker would read as a live row with empty columns.
  const marker = DELETION_MARKER in ((stream.schema.properties as JsonObject | undefined) ?? {}) ? [DELETION_MARKER] : [];
  return [...new Set([...paths.map((p) => p[0]).filter((f): f is string => f !== undefined), ...marker])];
}

/** The selection to apply, or undefined when every field of `all` (default: the stream's schema) is wanted. */
export function fieldSelection(stream: Stream, wanted: Iterable<string>, all = Object.keys((stream.schema.properties as JsonObject | undefined) ?? {})): ReadonlySet<string> | undefined {
  const selected = new Set([...wanted, ...requiredFields(stream)]);
  return all.length > 0 && all.every((f) => selected.has(f)) ? undefined : selected;
}

export function projectRecord(data: JsonObject, fields: ReadonlySet<string> | undefined): JsonObject {
  if (fields === undefined) return data;
  // A record that says how it is written (toJSON: issues with columns kept as text, raw-json.ts) is projected as that.
  const whole = typeof data.toJSON === 'function' ? (data.toJSON as () => JsonObject)() : data;
  const out: JsonObject = {};
  for (const field of fields) if (field in whole) out[field] = whole[field];
  return out;
}

/** The stream's schema narrowed to the selected fields (Singer SCHEMA). */
export function projectSchema(schema: JsonObject, fields: ReadonlySet<string> | undefined): JsonObject {
  if (fields === undefined) return schema;
  const properties = (schema.properties as JsonObject | undefined) ?? {};
  const out: JsonObject = { ...schema, properties: projectRecord(properties, fields) };
  if (Array.isArray(schema.required)) out.required = (schema.required as string[]).filter((f) => fields.has(f));
  return out;
}
