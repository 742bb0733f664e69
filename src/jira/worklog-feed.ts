// Jira's worklog change feeds, `GET /worklog/updated` and `/worklog/deleted` (ChangedWorklogs pages:
// up to 1000 {worklogId, updatedTime} oldest first, `until` = the page's youngest item, `nextPage`
// until `lastPage`; changes of the last minute are left out), and `POST /worklog/list` (worklog
// bodies, at most 1000 ids a call). Cloud (/rest/api/3) and Data Center (/rest/api/2) alike.
import { ConnectorError } from '../errors.js';
import type { HttpClient } from '../http/http-client.js';

export type WorklogFeedName = 'updated' | 'deleted';

export interface FeedEntry {
  worklogId: number;
  /** epoch ms: the change (or the deletion) */
  updatedTime: number;
}

export interface FeedPage {
  entries: FeedEntry[];
  /** what Jira says is complete up to: the youngest entry's time */
  until: number;
  last: boolean;
}

/** Most changes a feed page lists. */
const FEED_PAGE = 1000;

/** Most ids POST /worklog/list takes. */
export const WORKLOG_LIST_MAX = 1000;

const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function badAnswer(path: string, what: string, raw: unknown): ConnectorError {
  return new ConnectorError(`Jira answered ${path} with ${what}; check that base_url is a Jira site, or report this answer.`, 'system_error', {
    internal: JSON.stringify(raw).slice(0, 300),
  });
}

/** The `since` a nextPage URL asks for, or undefined when it names none. */
function sinceOf(nextPage: unknown): number | undefined {
  if (typeof nextPage !== 'string') return undefined;
  try {
    const v = new URL(nextPage).searchParams.get('since');
    return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every page of one feed from `since`. The next page is asked on our own route (the site or the
 * API gateway) with the `since` nextPage names; a full page whose next `since` does not move (over
 * 1000 changes at one millisecond) cannot be paged past, and is an error rather than a silent stop.
 */
export async function* feedPages(http: HttpClient, root: string, feed: WorklogFeedName, since: number): AsyncGenerator<FeedPage> {
  const path = `${root}/worklog/${feed}`;
  let at = since;
  for (;;) {
    const res = await http.json<{ values?: unknown; until?: unknown; lastPage?: unknown; isLastPage?: unknown; nextPage?: unknown }>({ method: 'GET', path, query: { since: at } });
    if (res === null || typeof res !== 'object' || !Array.isArray(res.values)) throw badAnswer(path, 'no values list', res);
    const entries = res.values.map((v: unknown) => {
      const e = v as Partial<FeedEntry> | null;
      if (!isMs(e?.worklogId) || !isMs(e?.updatedTime)) throw badAnswer(path, 'an entry without a numeric worklogId and updatedTime', v);
      return { worklogId: e.worklogId, updatedTime: e.updatedTime };
    });
    const youngest = entries.reduce((m, e) => Math.max(m, e.updatedTime), 0);
    // `until` should be the youngest entry's time; an answer without it is read as exactly that.
    const until = isMs(res.until) ? res.until : entries.length > 0 ? youngest : at;
    // Cloud says `lastPage`; Data Center clients also know `isLastPage`. Neither: a full page means more.
    const flag = [res.lastPage, res.isLastPage].find((v): v is boolean => typeof v === 'boolean');
    const last = flag ?? entries.length < FEED_PAGE;
    yield { entries, until, last };
    if (last) return;
    const next = sinceOf(res.nextPage) ?? until;
    if (next <= at) {
      throw new ConnectorError(
        `Jira's ${path} answered a full page of worklog changes all at ${new Date(at).toISOString()} and cannot page past that millisecond; the stream stopped there (its state is saved up to it). Report this to Atlassian support; a full refresh of the stream reads around it only if the changes spread out.`,
        'system_error',
      );
    }
    at = next;
  }
}

/** Worklog bodies of up to WORKLOG_LIST_MAX ids (those deleted or hidden meanwhile are left out by Jira). */
export async function listWorklogs(http: HttpClient, root: string, ids: number[]): Promise<Array<Record<string, unknown>>> {
  if (ids.length === 0) return [];
  const path = `${root}/worklog/list`;
  const res = await http.json<unknown>({ method: 'POST', path, body: { ids } });
  if (!Array.isArray(res)) throw badAnswer(path, 'something other than a list of worklogs', res);
  return res.map((w: unknown) => {
    if (w === null || typeof w !== 'object' || Array.isArray(w) || typeof (w as { id?: unknown }).id !== 'string') throw badAnswer(path, 'a worklog without an id', w);
    return w as Record<string, unknown>;
  });
}
