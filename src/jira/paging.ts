// Every page shape Jira uses, written once, each owning its loop safety: offsets advance by the
// items actually returned (servers cap maxResults silently, so a short page never ends paging),
// only the server's end signals end it, a repeated token or position is refused, and pages that
// bring nothing although more are said to follow are bounded and paced by the retry backoff.
import { ConnectorError } from '../errors.js';
import { MAX_PAGES_WITHOUT_PROGRESS, noProgressGuard } from './no-progress.js';

export type Query = Record<string, string | number | undefined>;

/** What a paginator needs from its stream: one request, and the pacing of pages without progress. */
export interface PageRuntime {
  /**
   * Sends one request with these paging parameters and resolves with the parsed body. `next`: a page
   * after the first, which the connector sends ahead of first pages waiting for a slot: a list's pages
   * are sequential, so a long list would otherwise wait behind every other list at each page.
   */
  fetch: (query: Query, next?: boolean) => Promise<unknown>;
  /** e.g. `GET /rest/api/3/project/search`, for messages */
  what: string;
  /** Waits before asking again after a page that brought nothing (the retry policy's backoff). */
  pause: (attempt: number) => Promise<void>;
  /** Proves the credentials still work: an empty page may be Jira's anonymous view. */
  prove: () => Promise<void>;
}

export interface Paging {
  readonly kind: string;
  /** The largest page asked for (Jira may answer fewer). */
  readonly pageSize: number;
  pages(rt: PageRuntime): AsyncGenerator<unknown[]>;
}

/** Pages in a row that bring nothing although Jira says more follow, before paging gives up. */
export const MAX_EMPTY_PAGES = MAX_PAGES_WITHOUT_PROGRESS;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function broken(rt: PageRuntime, problem: string): ConnectorError {
  return new ConnectorError(
    `Jira answered ${rt.what} with a page that breaks its paging contract (${problem}); stopped instead of guessing, nothing already emitted is lost; try again later, or report it to your Jira admin if it persists.`,
    'system_error',
  );
}

function emptyGuard(rt: PageRuntime) {
  return noProgressGuard(
    rt,
    (streak) =>
      `Jira answered ${rt.what} with ${streak} empty pages in a row although each said more follow; stopped instead of looping, nothing already emitted is lost; try again later, or report it to your Jira admin if it persists.`,
  );
}

/** `items`: the key of the list in the page, a dotted path for a nested one (`columnConfig.columns`). */
function itemsOf(body: unknown, items: string | undefined, rt: PageRuntime): unknown[] {
  let list: unknown = body;
  for (const key of items === undefined ? [] : items.split('.')) list = isObject(list) ? list[key] : undefined;
  if (!Array.isArray(list)) throw broken(rt, items === undefined ? 'not a JSON array' : `no "${items}" list`);
  return list;
}

/** One request, no paging: a bare array, or the array under `items`. */
export function single(items?: string): Paging {
  return {
    kind: 'single',
    pageSize: Infinity,
    async *pages(rt) {
      yield itemsOf(await rt.fetch({}), items, rt);
    },
  };
}

interface OffsetOptions {
  pageSize: number;
  /** the array's key in the page object; undefined: the page is a bare array */
  items?: string;
  /** how the last page is known: PageBean `isLast` (or `total`), legacy `total`, or an empty page (bare arrays say nothing else) */
  end: 'isLast' | 'total' | 'empty';
  kind: string;
}

function offsetPages(o: OffsetOptions): Paging {
  return {
    kind: o.kind,
    pageSize: o.pageSize,
    async *pages(rt) {
      const guard = emptyGuard(rt);
      for (let startAt = 0; ; ) {
        const body = await rt.fetch({ startAt, maxResults: o.pageSize }, startAt > 0);
        const values = itemsOf(body, o.items, rt);
        let last: boolean;
        if (o.end === 'empty') {
          last = values.length === 0;
        } else {
          const page = body as Record<string, unknown>;
          if (page.startAt !== undefined && page.startAt !== startAt && Number(page.startAt) !== startAt) {
            throw broken(rt, `asked for startAt ${startAt}, got the page at ${String(page.startAt)}`);
          }
          const { isLast, total } = page;
          if (isLast !== undefined && typeof isLast !== 'boolean') throw broken(rt, `isLast is ${JSON.stringify(isLast)}, not a boolean`);
          if (total !== undefined && !Number.isInteger(total)) throw broken(rt, `total is ${JSON.stringify(total)}, not an integer`);
          if (o.end === 'isLast' && isLast === undefined && total === undefined) throw broken(rt, 'neither isLast nor total');
          if (o.end === 'total' && total === undefined) throw broken(rt, 'no total');
          last = o.end === 'isLast' && isLast !== undefined ? isLast : startAt + values.length >= (total as number);
        }
        if (values.length > 0) {
          guard.reset();
          yield values;
        }
        if (last) return;
        if (values.length === 0) await guard.stalled(); // the same position is asked again, a bounded number of times
        startAt += values.length;
      }
    },
  };
}

/** PageBean `{values, startAt, maxResults, total?, isLast}` (platform `*search` endpoints, agile lists). */
export function pageBean(pageSize: number, items = 'values'): Paging {
  return offsetPages({ pageSize, items, end: 'isLast', kind: 'pageBean' });
}

/** Agile lists: a PageBean whose pages Jira Cloud caps at 50 whatever maxResults says (JSWCLOUD-18382). */
export const agilePages = (): Paging => pageBean(50);

/** Legacy named pages `{startAt, maxResults, total, <items>: [...]}` (comments, worklogs, DC lists). */
export function legacyPage(items: string, pageSize: number): Paging {
  return offsetPages({ pageSize, items, end: 'total', kind: 'legacyPage' });
}

/** A bare array paged by startAt/maxResults: no total, no isLast, so only an empty page ends it. */
export function offsetArray(pageSize: number): Paging {
  return offsetPages({ pageSize, end: 'empty', kind: 'offsetArray' });
}

/**
 * Token pages `{<items>, nextPageToken?, isLast?}`: the token is sent back verbatim and never twice.
 * `tokenField`: where the page carries the next token when it is not named as the parameter
 * (Data Center's `/user/list` takes `cursor` and answers `nextCursor`).
 */
export function tokenPages(pageSize: number, items: string, tokenParam = 'nextPageToken', tokenField = tokenParam): Paging {
  return {
    kind: 'tokenPages',
    pageSize,
    async *pages(rt) {
      const guard = emptyGuard(rt);
      const seen = new Set<string>();
      let token: string | undefined;
      for (;;) {
        const body = await rt.fetch({ maxResults: pageSize, [tokenParam]: token }, token !== undefined);
        const values = itemsOf(body, items, rt);
        const page = body as Record<string, unknown>;
        const raw = page[tokenField];
        if (raw !== undefined && raw !== null && typeof raw !== 'string' && !Number.isInteger(raw)) throw broken(rt, `${tokenField} is neither a string nor an integer`);
        const next = typeof raw === 'number' ? String(raw) : raw;
        if (values.length > 0) {
          guard.reset();
          yield values;
        }
        if (page.isLast === true || typeof next !== 'string' || next === '') return;
        if (seen.has(next)) throw broken(rt, `the ${tokenField} of an earlier page came back`);
        seen.add(next);
        if (values.length === 0) await guard.stalled();
        token = next;
      }
    },
  };
}
