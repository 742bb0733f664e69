// How a tombstone (a record saying "this key was deleted") travels on each front: the record with a
// nullable deletion column set to the deletion time. Airbyte's deduped destinations drop a key whose
// latest row carries `_ab_cdc_deleted_at` (the CDC convention); Singer targets read `_sdc_deleted_at`
// (target-postgres keeps the row with the column set). A stream that emits tombstones declares the
// front's column in its schema (withDeletionColumn, from its prepare()) and marks each tombstone
// with markDeleted; everything else stays protocol-neutral.
import type { JsonObject } from '../streams/stream.js';

export type Front = 'airbyte' | 'singer';

const COLUMN: Record<Front, string> = { airbyte: '_ab_cdc_deleted_at', singer: '_sdc_deleted_at' };

/** Both fronts' deletion columns: field selection never drops them (protocol/select-fields.ts). */
export const DELETION_COLUMNS: readonly string[] = Object.values(COLUMN);

/** The deletion column of a front. */
export function deletionColumn(front: Front): string {
  return COLUMN[front];
}

/** The record as a tombstone on this front: its deletion column set to `deletedAt` (RFC 3339). */
export function markDeleted(record: JsonObject, front: Front, deletedAt: string): JsonObject {
  return { ...record, [COLUMN[front]]: deletedAt };
}

/** The schema with the front's deletion column (nullable date-time): set on tombstones only. */
export function withDeletionColumn(schema: JsonObject, front: Front): JsonObject {
  const properties = (schema.properties as JsonObject | undefined) ?? {};
  const column = { type: ['string', 'null'], format: 'date-time', description: 'set on a tombstone: when the row was deleted in Jira' };
  return { ...schema, properties: { ...properties, [COLUMN[front]]: column } };
}
