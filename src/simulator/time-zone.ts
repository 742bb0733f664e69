// Time zone arithmetic for the searching user's zone: Jira reads JQL date literals in that zone and
// renders timestamps with its offset (`2026-01-18T23:45:00.123+0545`, no colon).

const HOUR = 3_600_000;

export interface ZoneClock {
  /** Offset of the zone from UTC in minutes at the given instant. */
  offsetMinutes(epochMs: number): number;
  /** Jira's timestamp rendering: yyyy-MM-ddTHH:mm:ss.SSS+hhmm in the zone. */
  format(epochMs: number): string;
  /** Epoch ms of a wall-clock time in the zone (month 1-12). */
  fromLocal(y: number, mo: number, d: number, h: number, mi: number): number;
  /** yyyy-MM-dd of the instant in the zone. */
  formatDate(epochMs: number): string;
}

export function createZoneClock(timeZone: string): ZoneClock {
  const dtf = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  // Offsets change at most at whole-hour UTC instants in practice (DST rules), so cache per UTC hour.
  const cache = new Map<number, number>();
  // A direct-mapped cache in front of the Map: every rendered timestamp asks, and Map lookups with
  // keys beyond small integers cost a hash of a heap number.
  const slotHour = new Float64Array(65_536).fill(NaN);
  const slotOff = new Int16Array(65_536);
  function offsetMinutes(epochMs: number): number {
    const bucket = Math.floor(epochMs / HOUR);
    const slot = bucket & 65_535; // 7.5 years of hours
    if (slotHour[slot] === bucket) return slotOff[slot]!;
    const off = hourOffset(bucket);
    slotHour[slot] = bucket;
    slotOff[slot] = off;
    return off;
  }
  function hourOffset(bucket: number): number {
    const hit = cache.get(bucket);
    if (hit !== undefined) return hit;
    const at = bucket * HOUR;
    const parts: Record<string, number> = {};
    for (const p of dtf.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    const off = Math.round((asUtc - at) / 60_000);
    if (cache.size > 100_000) cache.clear();
    cache.set(bucket, off);
    return off;
  }
  function pad(n: number, w = 2): string {
    return String(n).padStart(w, '0');
  }
  function format(epochMs: number): string {
    const off = offsetMinutes(epochMs);
    const d = new Date(epochMs + off * 60_000);
    const sign = off < 0 ? '-' : '+';
    const a = Math.abs(off);
    return (
      `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
      `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}` +
      `${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`
    );
  }
  function formatDate(epochMs: number): string {
    const d = new Date(epochMs + offsetMinutes(epochMs) * 60_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  }
  function fromLocal(y: number, mo: number, d: number, h: number, mi: number): number {
    const wall = Date.UTC(y, mo - 1, d, h, mi);
    // Two passes settle the offset except inside a DST gap, where the later offset wins (as Java's does).
    let guess = wall - offsetMinutes(wall) * 60_000;
    guess = wall - offsetMinutes(guess) * 60_000;
    return guess;
  }
  return { offsetMinutes, format, fromLocal, formatDate };
}
