// One page of an issue search, as the seek walk needs it: rows of (id, updated) plus how to get
// the next page of the same query. Cloud: POST /rest/api/3/search/jql, ids and `updated` only
// (bodies come from bulkfetch). Data Center: GET /rest/api/2/search with full fields and startAt;
// the server caps maxResults silently, so the next page starts after what was actually returned.
import type { HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';
import { ResponseTooLargeError } from '../http/capped-body.js';
import { parseJiraTime } from './jira-time.js';
import type { SearchFn, SearchPage, WalkRow } from './seek-walk.js';

export interface JiraIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  [k: string]: unknown;
}

function toRows(issues: unknown, path: string): WalkRow<JiraIssue>[] {
  if (!Array.isArray(issues)) throw new ConnectorError(`Jira answered ${path} without an issues array; check that base_url is a Jira site.`, 'system_error');
  return issues.map((raw) => {
    const issue = raw as JiraIssue;
    const updated = issue?.fields?.updated;
    if (typeof issue?.id !== 'string' || typeof updated !== 'string') {
      throw new ConnectorError(`Jira answered ${path} with an issue lacking id or fields.updated; cannot page safely.`, 'system_error', {
        internal: JSON.stringify(raw).slice(0, 300),
      });
    }
    return { id: issue.id, updated: parseJiraTime(updated), issue };
  });
}

export function cloudIdSearch(http: HttpClient, pageSize: number): SearchFn<JiraIssue> {
  const path = '/rest/api/3/search/jql';
  return async (jql, next) => {
    const body: Record<string, unknown> = { jql, maxResults: pageSize, fields: ['key', 'updated'] };
    if (next !== undefined) body.nextPageToken = next;
    const res = await http.json<{ issues?: unknown; nextPageToken?: unknown; isLast?: unknown }>({ method: 'POST', path, body, priority: true });
    const token = typeof res.nextPageToken === 'string' && res.nextPageToken !== '' ? res.nextPageToken : undefined;
    // `isLast: false` without a token still means more rows follow: the walk goes on by a fresh query.
    const more = res.isLast === false || (res.isLast !== true && token !== undefined);
    const page: SearchPage<JiraIssue> = { rows: toRows(res.issues, path), next: more ? token : undefined, more };
    return page;
  };
}

/**
 * `fields`: what each row carries (default `*navigable`); it must hold `updated`. `expand`: e.g. `changelog`. `path`: another
 * endpoint with the same page shape (a board's issues, agile `SearchResults`).
 */
export function dataCenterSearch(http: HttpClient, pageSize: number, fields = '*navigable', path = '/rest/api/2/search', expand = ''): SearchFn<JiraIssue> {
  // A page of full issues over the HTTP client's size cap is asked again with half as many, and the
  // smaller size is kept for the pages after it (the next page starts after what was returned).
  let maxResults = pageSize;
  const page = async (jql: string, startAt: number): Promise<{ issues?: unknown; total?: unknown }> => {
    for (;;) {
      try {
        return await http.json({ method: 'GET', path, priority: true, query: { jql, startAt, maxResults, fields, ...(expand === '' ? {} : { expand }) } });
      } catch (err) {
        if (!(err instanceof ResponseTooLargeError) || maxResults === 1) throw err;
        maxResults = Math.ceil(maxResults / 2);
      }
    }
  };
  return async (jql, next) => {
    const startAt = typeof next === 'number' ? next : 0;
    const res = await page(jql, startAt);
    const rows = toRows(res.issues, path);
    const total = typeof res.total === 'number' ? res.total : 0;
    const after = startAt + rows.length;
    const more = after < total;
    return { rows, next: more ? after : undefined, more };
  };
}

/** Cloud's estimate of the issues a JQL matches (POST /rest/api/3/search/approximate-count). */
export function cloudCount(http: HttpClient): (jql: string) => Promise<number> {
  const path = '/rest/api/3/search/approximate-count';
  return async (jql) => {
    const res = await http.json<{ count?: unknown }>({ method: 'POST', path, body: { jql }, priority: true });
    const count = res?.count;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
      throw new ConnectorError(`Jira answered ${path} without a count (a non-negative integer); cannot size the partitions.`, 'system_error', {
        internal: JSON.stringify(res).slice(0, 300),
      });
    }
    return count;
  };
}

/** Ids Jira lists on one page of ids only (up to 5000 a page, whatever caps pages with fields). */
export const IDS_PAGE_MAX = 5000;

/**
 * Cloud: one ids-only page of a query. `complete`: Jira said it is the last page, so `ids` is every
 * issue the query matched as the index stood when it answered.
 */
export function cloudIdsPage(http: HttpClient): (jql: string) => Promise<{ ids: string[]; complete: boolean }> {
  const path = '/rest/api/3/search/jql';
  return async (jql) => {
    const res = await http.json<{ issues?: unknown; nextPageToken?: unknown; isLast?: unknown }>({
      method: 'POST',
      path,
      body: { jql, maxResults: IDS_PAGE_MAX, fields: ['id'] },
      priority: true,
    });
    if (!Array.isArray(res.issues)) throw new ConnectorError(`Jira answered ${path} without an issues array; check that base_url is a Jira site.`, 'system_error');
    const ids = res.issues.map((raw) => {
      const id = (raw as { id?: unknown })?.id;
      if (typeof id !== 'string') {
        throw new ConnectorError(`Jira answered ${path} with an issue lacking an id; cannot list issues safely.`, 'system_error', { internal: JSON.stringify(raw).slice(0, 300) });
      }
      return id;
    });
    const token = typeof res.nextPageToken === 'string' && res.nextPageToken !== '' ? res.nextPageToken : undefined;
    return { ids, complete: res.isLast === true && token === undefined };
  };
}
