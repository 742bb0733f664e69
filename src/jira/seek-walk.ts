// The seek walk over one window [position, upper) in the order (updated ASC, key ASC).
//
// Position (t, ids): every row with updated < t has been yielded, plus the rows `ids` at exactly t.
// Each page is a FRESH query `updated >= t AND updated < upper`, so rows that moved or vanished
// since the previous page cannot shift what comes next (whatever a page token would have done).
// Only when a fresh page brings nothing new (a tie group at t larger than a page) does the walk
// follow that query's own tokens through the group; since tokens may skip rows that left the
// group meanwhile (offset semantics), the group is then re-listed until a pass adds nothing, and
// the position moves to (t + 1, []). A repeated token is an error, never an endless loop.
import { ConnectorError } from '../errors.js';

export interface WalkRow<R> {
  id: string;
  /** epoch ms as the search index saw it */
  updated: number;
  issue: R;
}

export type PageCursor = string | number;

export interface SearchPage<R> {
  rows: WalkRow<R>[];
  /** token (Cloud) or startAt (Data Center) of the next page of the SAME query; undefined on the last page */
  next: PageCursor | undefined;
}

export type SearchFn<R> = (jql: string, next: PageCursor | undefined) => Promise<SearchPage<R>>;

export interface Position {
  updated: number;
  ids: string[];
}

export interface WalkChunk<R> {
  rows: WalkRow<R>[];
  /**
   * Position after the last row of this chunk. undefined inside a tie group with more ids than
   * fit a state (maxStateIds): the previous position stays the checkpoint and a resume re-reads the group.
   */
  position: Position | undefined;
}

export interface WalkOptions {
  start: Position;
  upper: number;
  rangeJql: (lower: number, upper: number) => string;
  instantJql: (at: number) => string;
  /** rows per yielded chunk (one bulkfetch batch on Cloud) */
  chunkSize: number;
  maxStateIds?: number;
}

class WalkPosition {
  t: number;
  private ids: string[];
  private seen: Set<string>;

  constructor(start: Position) {
    this.t = start.updated;
    this.ids = [...start.ids];
    this.seen = new Set(start.ids);
  }

  /** Records the row if it is new; false for rows at or before the position. */
  take(id: string, updated: number): boolean {
    if (updated < this.t || (updated === this.t && this.seen.has(id))) return false;
    if (updated > this.t) {
      this.t = updated;
      this.ids = [];
      this.seen = new Set();
    }
    this.ids.push(id);
    this.seen.add(id);
    return true;
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }

  /** Adds a row of the current tie group found by a token walk or a re-list pass. */
  addTie(id: string): void {
    this.ids.push(id);
    this.seen.add(id);
  }

  finishInstant(): void {
    this.t += 1;
    this.ids = [];
    this.seen = new Set();
  }

  snapshot(maxIds: number): Position | undefined {
    return this.ids.length > maxIds ? undefined : { updated: this.t, ids: [...this.ids] };
  }
}

export async function* seekWalk<R>(search: SearchFn<R>, opts: WalkOptions): AsyncGenerator<WalkChunk<R>> {
  const pos = new WalkPosition(opts.start);
  const maxIds = opts.maxStateIds ?? 2000;
  let chunk: WalkRow<R>[] = [];
  function* flush(force: boolean): Generator<WalkChunk<R>> {
    if (chunk.length >= opts.chunkSize || (force && chunk.length > 0)) {
      const rows = chunk;
      chunk = [];
      yield { rows, position: pos.snapshot(maxIds) };
    }
  }

  for (;;) {
    const jql = opts.rangeJql(pos.t, opts.upper);
    const page = await search(jql, undefined);
    let added = 0;
    for (const row of page.rows) {
      if (!pos.take(row.id, row.updated)) continue;
      added++;
      chunk.push(row);
      yield* flush(false);
    }
    yield* flush(true);
    if (page.next === undefined) return;
    if (added > 0) continue;

    // A tie group at t fills the whole page: follow this query's tokens through the group.
    const tieAt = pos.t;
    const seenTokens = new Set<PageCursor>();
    for (let next: PageCursor | undefined = page.next; next !== undefined; ) {
      if (seenTokens.has(next)) throw new ConnectorError(`Jira repeated a page token while paging issues updated at ${tieAt}; try again.`, 'system_error');
      seenTokens.add(next);
      const p = await search(jql, next);
      let left = false;
      for (const row of p.rows) {
        if (row.updated > tieAt) {
          left = true; // rows after the group come from a fresh query once the group is done
          break;
        }
        if (row.updated < tieAt || pos.has(row.id)) continue;
        pos.addTie(row.id);
        chunk.push(row);
        yield* flush(false);
      }
      yield* flush(true);
      next = left ? undefined : p.next;
    }
    // Re-list the instant until a pass adds nothing: tokens may have skipped rows that shifted.
    for (let found = true; found; ) {
      found = false;
      const relist = opts.instantJql(tieAt);
      const tokens = new Set<PageCursor>();
      for (let next: PageCursor | undefined = undefined, first = true; first || next !== undefined; first = false) {
        if (next !== undefined) {
          if (tokens.has(next)) throw new ConnectorError(`Jira repeated a page token while re-listing issues updated at ${tieAt}; try again.`, 'system_error');
          tokens.add(next);
        }
        const p = await search(relist, next);
        for (const row of p.rows) {
          if (row.updated !== tieAt || pos.has(row.id)) continue;
          pos.addTie(row.id);
          found = true;
          chunk.push(row);
          yield* flush(false);
        }
        next = p.next;
      }
      yield* flush(true);
    }
    pos.finishInstant();
    yield { rows: [], position: pos.snapshot(maxIds) };
  }
}
