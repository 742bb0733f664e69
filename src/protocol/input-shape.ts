// Small shape checks shared by the catalog and state parsers of both fronts.
import type { JsonObject } from '../streams/stream.js';

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `true` or the string "true" (the Singer docs' own example writes it as a string). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function streamNames(streams: { name: string }[]): string {
  return streams.map((s) => s.name).join(', ');
}
