// The column that marks a record as a tombstone (the row was deleted at Jira). Each protocol has its
// own name, understood by its destinations: Airbyte's deduplicated tables drop a key whose latest row
// carries `_ab_cdc_deleted_at`; Singer's target-postgres deletes the row (hard_delete) or keeps it
// marked on `_sdc_deleted_at`. Streams write the Airbyte name (the core's one); the Singer front
// renames it in schemas, catalogs and records with the functions here.
import type { JsonObject } from '../streams/stream.js';

export type Front = 'airbyte' | 'singer';

/** The name the streams use (nullable date-time in their schemas). */
export const DELETION_MARKER = '_ab_cdc_deleted_at';

/** The marker's name on a front. */
export function deletionMarker(front: Front): string {
  return front === 'singer' ? '_sdc_deleted_at' : DELETION_MARKER;
}

function renamed(o: JsonObject, from: string, to: string): JsonObject {
  if (from === to || !(from in o)) return o;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) out[k === from ? to : k] = v;
  return out;
}

/** A record or a schema's properties with the marker under the front's name (unchanged when it has none). */
export function toFront(front: Front, o: JsonObject): JsonObject {
  return renamed(o, DELETION_MARKER, deletionMarker(front));
}

/** A schema with the marker property under the front's name. */
export function schemaToFront(front: Front, schema: JsonObject): JsonObject {
  const props = schema.properties as JsonObject | undefined;
  return props === undefined || !(DELETION_MARKER in props) ? schema : { ...schema, properties: toFront(front, props) };
}

/** A column name of the streams -> the front's. */
export function columnToFront(front: Front, column: string): string {
  return column === DELETION_MARKER ? deletionMarker(front) : column;
}

/** A column name as the front wrote it (a catalog's) -> the streams' name. */
export function columnFromFront(front: Front, column: string): string {
  return column === deletionMarker(front) ? DELETION_MARKER : column;
}

/** A catalog's schema (with the front's names) -> the streams' names. */
export function schemaFromFront(front: Front, schema: JsonObject): JsonObject {
  const props = schema.properties as JsonObject | undefined;
  const name = deletionMarker(front);
  return props === undefined || !(name in props) ? schema : { ...schema, properties: renamed(props, name, DELETION_MARKER) };
}
