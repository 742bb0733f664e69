// Jira sends date-times like 2026-01-18T23:45:00.123+0545 (offset without a colon, not always UTC).
// Records carry RFC 3339 UTC with milliseconds; the walk compares epoch milliseconds.

/** The decimal number in value[from, from + length), or -1 if a character there is not a digit. */
function digits(value: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** The decimal number in b[from, from + length), or -1 if a byte there is not a digit. */
function digitsAt(b: Uint8Array, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) {
    const d = b[i]! - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Epoch ms of the fixed form's fields, or NaN when one is out of range (days past 28 are left to Date.parse). */
function fixedFormMs(sign: number, y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, oh: number, om: number): number {
  if (sign === 0 || y < 0 || ms < 0 || mo < 1 || mo > 12 || d < 1 || d > 28 || h < 0 || h > 23 || mi < 0 || mi > 59) return NaN;
  if (s < 0 || s > 59 || oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - sign * (oh * 60 + om) * 60_000;
}

/**
 * Jira's own fixed form, read by hand: it is on every issue three times, and a regex plus Date.parse
 * cost 3 % of a read's CPU. Days past 28 and any other form go through Date.parse, which knows
 * month lengths and rejects impossible dates. NaN if this is not the fixed form.
 */
function parseFixedForm(v: string): number {
  if (v.length !== 28 || v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':' || v[19] !== '.') return NaN;
  const sign = v[23] === '+' ? 1 : v[23] === '-' ? -1 : 0;
  return fixedFormMs(sign, digits(v, 0, 4), digits(v, 5, 2), digits(v, 8, 2), digits(v, 11, 2), digits(v, 14, 2), digits(v, 17, 2), digits(v, 20, 3), digits(v, 24, 2), digits(v, 26, 2));
}

/** The fixed form from its bytes b[at, at + 28) (a string token's inside), without making a string; NaN if it is not that form. */
export function parseFixedFormBytes(b: Uint8Array, at: number): number {
  const c = (i: number) => b[at + i];
  if (c(4) !== 0x2d || c(7) !== 0x2d || c(10) !== 0x54 || c(13) !== 0x3a || c(16) !== 0x3a || c(19) !== 0x2e) return NaN;
  const sign = c(23) === 0x2b ? 1 : c(23) === 0x2d ? -1 : 0;
  return fixedFormMs(sign, digitsAt(b, at, 4), digitsAt(b, at + 5, 2), digitsAt(b, at + 8, 2), digitsAt(b, at + 11, 2), digitsAt(b, at + 14, 2), digitsAt(b, at + 17, 2), digitsAt(b, at + 20, 3), digitsAt(b, at + 24, 2), digitsAt(b, at + 26, 2));
}

export function parseJiraTime(value: string): number {
  const fixed = parseFixedForm(value);
  if (!Number.isNaN(fixed)) return fixed;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new Error(`not a Jira date-time: ${JSON.stringify(value)}`);
  return ms;
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** Same as new Date(ms).toISOString(), about three times faster (civil-from-days, H. Hinnant). */
export function isoUtc(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1000 || year > 9999) return new Date(ms).toISOString();
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  let rest = ms - days * 86_400_000;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  const mmm = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`;
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(min)}:${two(sec)}.${mmm}Z`;
}

export function toUtcRfc3339(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return isoUtc(parseJiraTime(value));
}
