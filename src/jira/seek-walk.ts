// The seek walk over one window [position, upper) in the order (updated ASC, key ASC).
//
// Position (t, ids): every row with updated < t has been yielded, plus the rows `ids` at exactly t.
// Each page is a FRESH query `updated >= t AND updated < upper`, so rows that moved or vanished
// since the previous page cannot shift what comes next (whatever a page token would have done).
// Only when a fresh page brings nothing new (a tie group at t larger than a page) does the walk
// follow that query's own tokens through the group; since tokens may skip rows that left the
// group meanwhile (offset semantics), the group is then re-listed until a pass adds nothing, and
// the position moves to (t + 1, []). A repeated token is an error, never an endless loop.
//
// The walk assumes Jira answers its own JQL: rows inside [t, upper), in order. A page that breaks
// this (a row outside the bounds, rows out of order: e.g. a field value fresher than the index that
// matched it) cannot be trusted to place a position, so from there the rest of the window is read by
// that query's own page tokens, every row is emitted, and no checkpoint moves until the window ends.
// Pages that bring nothing but say more follow are bounded (noProgressGuard).
import { ConnectorError } from '../errors.js';
import { noProgressGuard, type Pacing } from './no-progress.js';

export { MAX_PAGES_WITHOUT_PROGRESS } from './no-progress.js';

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
  /**
   * Whether Jira says more rows follow (Cloud `isLast: false`). Defaults to `next !== undefined`;
   * true without `next` is Jira saying "not the last page" without saying how to get the next one.
   */
  more?: boolean;
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

export interface WalkOptions extends Pacing {
  start: Position;
  upper: number;
  rangeJql: (lower: number, upper: number) => string;
  instantJql: (at: number) => string;
  /** rows per yielded chunk (one bulkfetch batch on Cloud) */
  chunkSize: number;
  maxStateIds?: number;
  /** What the walk saw that Jira should not have answered (logged as WARN by the caller). */
  warn?: (message: string) => void;
}

const hasMore = (p: SearchPage<unknown>) => p.more ?? p.next !== undefined;

const when = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

/** Why a page cannot come from `updated >= lower AND updated < upper ORDER BY updated`, or undefined. */
function disagreement<R>(rows: WalkRow<R>[], lower: number, upper: number): string | undefined {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.updated < lower || r.updated >= upper) {
      return `issue ${r.id} has updated ${when(r.updated)} outside the query's bounds [${when(lower)}, ${when(upper)})`;
    }
    if (i > 0 && r.updated < rows[i - 1]!.updated) {
      return `issue ${r.id} (updated ${when(r.updated)}) comes after issue ${rows[i - 1]!.id} (updated ${when(rows[i - 1]!.updated)}) in a query ordered by updated`;
    }
  }
  return undefined;
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
  const guard = noProgressGuard(
    opts,
    (streak) =>
      `Jira answered ${streak} search pages in a row that brought no new issues although each said more follow (issues updated from ${when(pos.t)}); stopped instead of looping, nothing after the last STATE is lost; try again later, or report it to your Jira admin if it persists.`,
  );
  /** false once a page disagreed with its query: checkpoints stay where they were */
  let trusted = true;
  let chunk: WalkRow<R>[] = [];
  function* flush(force: boolean): Generator<WalkChunk<R>> {
    if (chunk.length >= opts.chunkSize || (force && chunk.length > 0)) {
      const rows = chunk;
      chunk = [];
      yield { rows, position: trusted ? pos.snapshot(maxIds) : undefined };
    }
  }
  const repeatedToken = (where: string) =>
    new ConnectorError(`Jira repeated a page token while ${where}; stopped instead of looping, nothing after the last STATE is lost; try again.`, 'transient_error');

  /** The rest of one query by its own tokens, every row emitted, no checkpoint (see the header). */
  async function* untrusted(jql: string, first: SearchPage<R>, why: string): AsyncGenerator<WalkChunk<R>> {
    trusted = false;
    opts.warn?.(
      `Jira's search disagrees with its own JQL: ${why}. The rest of this window is read by the query's page tokens and every row is emitted; ` +
        `the checkpoint stays at ${when(pos.t)} until the window is done.`,
    );
    const emitted = new Set<string>();
    const tokens = new Set<PageCursor>();
    let odd = 0;
    for (let p = first; ; ) {
      let fresh = 0;
      for (const row of p.rows) {
        if (row.updated < pos.t || row.updated >= opts.upper) odd++;
        if (emitted.has(row.id) || pos.has(row.id)) continue;
        emitted.add(row.id);
        fresh++;
        chunk.push(row);
        yield* flush(false);
      }
      yield* flush(true);
      if (!hasMore(p)) break;
      if (p.next === undefined) {
        throw new ConnectorError(
          `Jira's search disagrees with its own JQL (${why}) and sent no nextPageToken to read on by; the window cannot be read safely, nothing after the last STATE is lost; try again later.`,
          'transient_error',
        );
      }
      if (tokens.has(p.next)) throw repeatedToken(`reading issues updated from ${when(pos.t)} by page tokens`);
      tokens.add(p.next);
      if (fresh > 0) guard.reset();
      else await guard.stalled();
      p = await search(jql, p.next);
    }
    opts.warn?.(`read ${emitted.size} issues by page tokens after the search disagreed with its JQL; ${odd} of them had updated outside the query's bounds.`);
  }

  for (;;) {
    const jql = opts.rangeJql(pos.t, opts.upper);
    const page = await search(jql, undefined);
    const odd = disagreement(page.rows, pos.t, opts.upper);
    if (odd !== undefined) return yield* untrusted(jql, page, odd);
    let added = 0;
    for (const row of page.rows) {
      if (!pos.take(row.id, row.updated)) continue;
      added++;
      chunk.push(row);
      yield* flush(false);
    }
    yield* flush(true);
    if (!hasMore(page)) return;
    if (added > 0) {
      guard.reset();
      continue; // Jira said more follow: a fresh query from the new position (its token is not needed)
    }
    if (page.next === undefined) {
      await guard.stalled(); // nothing new, more promised, no token: ask the fresh query again, bounded
      continue;
    }

    // A tie group at t fills the whole page: follow this query's tokens through the group.
    const tieAt = pos.t;
    const seenTokens = new Set<PageCursor>();
    const listed = new Set<string>(); // rows this token walk has listed: a page of nothing unlisted is no progress
    for (let next: PageCursor | undefined = page.next; next !== undefined; ) {
      if (seenTokens.has(next)) throw repeatedToken(`paging issues updated at ${when(tieAt)}`);
      seenTokens.add(next);
      const p = await search(jql, next);
      const why = disagreement(p.rows, tieAt, opts.upper);
      if (why !== undefined) return yield* untrusted(jql, p, why);
      let left = false;
      let fresh = 0;
      for (const row of p.rows) {
        if (row.updated > tieAt) {
          left = true; // rows after the group come from a fresh query once the group is done
          break;
        }
        if (!listed.has(row.id)) {
          listed.add(row.id);
          fresh++;
        }
        if (pos.has(row.id)) continue;
        pos.addTie(row.id);
        chunk.push(row);
        yield* flush(false);
      }
      yield* flush(true);
      if (left || !hasMore(p)) break;
      if (fresh > 0) guard.reset();
      else await guard.stalled();
      next = p.next; // more without a token: the re-list below reads the rest of the group
    }
    // Re-list the instant until a pass adds nothing: tokens may have skipped rows that shifted.
    // Every row of the instant query is taken, whatever `updated` it shows (a value fresher than the
    // index that matched it must not hide a member of the group).
    for (let found = true; found; ) {
      found = false;
      const relist = opts.instantJql(tieAt);
      const tokens = new Set<PageCursor>();
      const relisted = new Set<string>();
      let odd = 0;
      for (let next: PageCursor | undefined = undefined; ; ) {
        const p = await search(relist, next);
        let fresh = 0;
        for (const row of p.rows) {
          if (!relisted.has(row.id)) {
            relisted.add(row.id);
            fresh++;
          }
          if (pos.has(row.id)) continue;
          if (row.updated !== tieAt) odd++;
          pos.addTie(row.id);
          found = true;
          chunk.push(row);
          yield* flush(false);
        }
        if (!hasMore(p)) break;
        if (p.next === undefined) {
          throw new ConnectorError(
            `Jira said more issues updated at ${when(tieAt)} follow but sent no nextPageToken to page them; nothing after the last STATE is lost; try again later, or raise page_size above the number of issues that share that instant.`,
            'transient_error',
          );
        }
        if (tokens.has(p.next)) throw repeatedToken(`re-listing issues updated at ${when(tieAt)}`);
        tokens.add(p.next);
        if (fresh > 0) guard.reset();
        else await guard.stalled();
        next = p.next;
      }
      if (odd > 0) opts.warn?.(`Jira listed ${odd} issues with another updated value for a query of issues updated at ${when(tieAt)}; they were emitted.`);
      yield* flush(true);
    }
    pos.finishInstant();
    yield { rows: [], position: pos.snapshot(maxIds) };
  }
}
