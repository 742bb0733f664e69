// Jira sends date-times like 2026-01-18T23:45:00.123+0545 (offset without a colon, not always UTC).
// Records carry RFC 3339 UTC with milliseconds; the walk compares epoch milliseconds.

export function parseJiraTime(value: string): number {
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  if (Number.isNaN(ms)) throw new Error(`not a Jira date-time: ${JSON.stringify(value)}`);
  return ms;
}

export function toUtcRfc3339(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return new Date(parseJiraTime(value)).toISOString();
}
