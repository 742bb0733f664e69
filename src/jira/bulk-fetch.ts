// Issue bodies by id: POST /rest/api/3/issue/bulkfetch, at most 100 ids a call. It reads current
// data, not the search index: an id it does not return was deleted (or hidden) since it was listed,
// and is skipped. Ids listed in issueErrors (Jira's retriable per-issue failures) are asked again.
// Fields are `*navigable` (Jira's default): `*all` adds comment and worklog pages that Jira truncates
// at 20 entries, which belong in their own streams and double the bytes to parse.
// The answer is read from its bytes (bulkfetch-body.ts): `fields` is passed through, not parsed.
import type { HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';
import { readBulkfetchBody, type BulkfetchBody } from './bulkfetch-body.js';
import type { FieldPicks, IssueParts } from './issue-parts.js';

export const BULKFETCH_MAX_IDS = 100;
const ISSUE_ERROR_TRIES = 3;

/** Returns the bodies in the order of `ids`, without the ones Jira no longer has. */
export async function bulkFetch(http: HttpClient, ids: string[], picks: FieldPicks): Promise<IssueParts[]> {
  if (ids.length === 0) return [];
  if (ids.length > BULKFETCH_MAX_IDS) throw new Error(`bulkFetch takes at most ${BULKFETCH_MAX_IDS} ids`);
  const found = new Map<string, IssueParts>();
  let ask = ids;
  for (let tries = 1; ask.length > 0; tries++) {
    const res = await http.json<BulkfetchBody>({
      method: 'POST',
      path: '/rest/api/3/issue/bulkfetch',
      body: { issueIdsOrKeys: ask, fields: ['*navigable'] },
      decode: (bytes) => readBulkfetchBody(bytes, picks),
    });
    if (res.issues === undefined) throw new ConnectorError('Jira answered issue/bulkfetch without an issues array.', 'system_error');
    for (const issue of res.issues) found.set(issue.id, issue);
    const errors = Array.isArray(res.issueErrors) ? (res.issueErrors as Array<{ issueIdOrKey?: string; id?: string } | null>) : [];
    const failed = errors.map((e) => String(e?.issueIdOrKey ?? e?.id ?? '')).filter((id) => ask.includes(id) && !found.has(id));
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
