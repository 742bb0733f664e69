// Issue bodies by id: POST /rest/api/3/issue/bulkfetch, at most 100 ids a call. It reads current
// data, not the search index: an id it does not return was deleted (or hidden) since it was listed,
// and is skipped. Ids listed in issueErrors (Jira's retriable per-issue failures) are asked again.
// Fields are `*navigable` (Jira's default): `*all` adds comment and worklog pages that Jira truncates
// at 20 entries, which belong in their own streams and double the bytes to parse.
import type { HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';
import type { JiraIssue } from './issue-search.js';

export const BULKFETCH_MAX_IDS = 100;
const ISSUE_ERROR_TRIES = 3;

interface BulkIssueResults {
  issues?: JiraIssue[];
  issueErrors?: Array<{ issueIdOrKey?: string; id?: string }>;
}

/** Returns the bodies in the order of `ids`, without the ones Jira no longer has. */
export async function bulkFetch(http: HttpClient, ids: string[]): Promise<JiraIssue[]> {
  if (ids.length === 0) return [];
  if (ids.length > BULKFETCH_MAX_IDS) throw new Error(`bulkFetch takes at most ${BULKFETCH_MAX_IDS} ids`);
  const found = new Map<string, JiraIssue>();
  let ask = ids;
  for (let tries = 1; ask.length > 0; tries++) {
    const res = await http.json<BulkIssueResults>({
      method: 'POST',
      path: '/rest/api/3/issue/bulkfetch',
      body: { issueIdsOrKeys: ask, fields: ['*navigable'] },
    });
    if (!Array.isArray(res.issues)) throw new ConnectorError('Jira answered issue/bulkfetch without an issues array.', 'system_error');
    for (const issue of res.issues) found.set(String(issue.id), issue);
    const failed = (res.issueErrors ?? []).map((e) => String(e.issueIdOrKey ?? e.id ?? '')).filter((id) => ask.includes(id) && !found.has(id));
    if (failed.length > 0 && tries >= ISSUE_ERROR_TRIES) {
      throw new ConnectorError(`Jira kept failing to return ${failed.length} issues from bulkfetch (e.g. ${failed[0]}); try again later.`, 'transient_error');
    }
    ask = failed;
  }
  return ids.flatMap((id) => {
    const issue = found.get(id);
    return issue === undefined ? [] : [issue];
  });
}
