// Jira sends date-times like 2026-01-18T23:45:00.123+0545 (offset without a colon, not always UTC).
// Records carry RFC 3339 UTC with milliseconds; the walk compares epoch milliseconds.

// Jira's own fixed form, parsed by hand: it is on every issue twice, and Date.parse after a regex
// rewrite was 3 % of a read's CPU. Days past 28 and anything else go through Date.parse, which
// rejects impossible dates.
const JIRA_FORM = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})([+-])(\d\d)(\d\d)$/;

export function parseJiraTime(value: string): number {
  const m = JIRA_FORM.exec(value);
  if (m !== null) {
    const [, y, mo, d, h, mi, s, ms, sign, oh, om] = m as unknown as string[];
    if (+mo! >= 1 && +mo! <= 12 && +d! >= 1 && +d! <= 28 && +h! <= 23 && +mi! <= 59 && +s! <= 59 && +oh! <= 23 && +om! <= 59) {
      const offsetMs = (+oh! * 60 + +om!) * 60_000;
      return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, +ms!) - (sign === '+' ? offsetMs : -offsetMs);
    }
  }
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  if (Number.isNaN(ms)) throw new Error(`not a Jira date-time: ${JSON.stringify(value)}`);
  return ms;
}

export function toUtcRfc3339(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return new Date(parseJiraTime(value)).toISOString();
}
