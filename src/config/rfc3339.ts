// RFC 3339 date-times as config and state carry them. A time zone is required: without one,
// Date.parse reads the value in the machine's zone, so the same file would mean different instants
// on different machines.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i;

/** An RFC 3339 date-time with a time zone that names a real instant. */
export function isRfc3339(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

/** A date-time that would be valid but for its missing time zone (e.g. "2026-01-01T00:00:00"). */
export function lacksTimeZone(value: string): boolean {
  return WITHOUT_ZONE.test(value);
}
