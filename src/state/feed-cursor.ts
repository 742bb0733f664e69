// The position in one worklog feed: `since` (epoch ms, what the next run asks from) and `seen`, the
// (worklog id, time) pairs at or after `since` already emitted. The feed is eventually consistent and
// leaves out the last minute, so a run never moves `since` past what Jira called complete (a page's
// `until`) and re-reads an overlap before it; `seen` keeps the overlap from being emitted twice (a
// quiet re-run emits nothing). `since` only moves forward.
import { configError } from '../errors.js';

/** How far before the last complete instant the next read starts again. */
export const FEED_OVERLAP_MS = 60_000;
/** Beyond this many pairs in the overlap, `seen` is dropped: the overlap may then be emitted again (duplicates, never a loss). */
export const SEEN_MAX = 10_000;

export interface FeedCursorJson {
  since: number;
  seen: Array<[number, number]>;
}

const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export class FeedCursor {
  private seen: Map<number, number>;

  constructor(
    public since: number,
    seen: Array<[number, number]> = [],
  ) {
    this.seen = new Map(seen);
  }

  /** `what`: the stream and feed, for the error; undefined state starts at `start`. */
  static parse(raw: unknown, start: number, what: string, stream: string): FeedCursor {
    if (raw === undefined) return new FeedCursor(start);
    const r = raw as Partial<FeedCursorJson> | null;
    const okSeen = Array.isArray(r?.seen) && r.seen.every((p) => Array.isArray(p) && p.length === 2 && isMs(p[0]) && isMs(p[1]));
    if (r === null || typeof r !== 'object' || !isMs(r.since) || !okSeen) {
      throw configError(`The saved state for stream ${stream} is malformed: ${what} must be {"since": <epoch ms>, "seen": [[<worklog id>, <epoch ms>], ...]}; delete the saved state for the ${stream} stream to start again from start_date.`);
    }
    return new FeedCursor(r.since, r.seen);
  }

  /** Whether this change is not yet emitted (a worklog edited since it was emitted is new again). */
  isNew(id: number, at: number): boolean {
    return this.seen.get(id) !== at;
  }

  /** Remembers an emitted (or deliberately skipped) change. */
  note(id: number, at: number): void {
    if (at >= this.since && at >= (this.seen.get(id) ?? -1)) this.seen.set(id, at);
  }

  /** Everything up to `until` is emitted: the next read starts an overlap before it, never earlier than now. */
  advance(until: number): void {
    const since = Math.max(this.since, until - FEED_OVERLAP_MS);
    if (since > this.since) {
      this.since = since;
      for (const [id, at] of this.seen) if (at < since) this.seen.delete(id);
    }
    if (this.seen.size > SEEN_MAX) this.seen.clear();
  }

  toJson(): FeedCursorJson {
    return { since: this.since, seen: [...this.seen].sort((a, b) => a[1] - b[1] || a[0] - b[0]) };
  }
}
