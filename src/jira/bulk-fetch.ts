// Issue bodies by id: POST /rest/api/3/issue/bulkfetch, at most 100 ids a call. It reads current
// data, not the search index: an id it does not return was deleted (or hidden) since it was listed,
// and is skipped. Ids listed in issueErrors (Jira's retriable per-issue failures) are asked again.
// Fields are `*navigable` (Jira's default): `*all` adds comment and worklog pages that Jira truncates
// at 20 entries, which belong in their own streams and double the bytes to parse.
// The answer is read from its bytes (bulkfetch-body.ts): `fields` is passed through, not parsed.
import type { HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';
import { mb, ResponseTooLargeError } from '../http/capped-body.js';
import { RawJson } from '../json/raw-json.js';
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
    const res = await fetchFitting(http, ask, picks);
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

/**
 * One bulkfetch call; an answer over the HTTP client's size cap is asked for again in halves, down to
 * one issue. The parts of a split answer are compacted: each issue's fields are copied out of the body
 * they came in, so whatever else that body held (the rest of a huge answer) is not kept until the
 * batch is emitted.
 */
async function fetchFitting(http: HttpClient, ids: string[], picks: FieldPicks, part = false): Promise<BulkfetchBody> {
  try {
    const res = await http.json<BulkfetchBody>({
      method: 'POST',
      path: '/rest/api/3/issue/bulkfetch',
      body: { issueIdsOrKeys: ids, fields: ['*navigable'] },
      decode: (bytes) => readBulkfetchBody(bytes, picks),
    });
    if (part) for (const issue of res.issues ?? []) if (issue.fields instanceof RawJson) issue.fields = new RawJson(Buffer.from(issue.fields.bytes));
    return res;
  } catch (err) {
    if (!(err instanceof ResponseTooLargeError)) throw err;
    if (ids.length === 1) {
      throw new ConnectorError(
        `Issue ${ids[0]} alone is larger than ${mb(err.capBytes)} MB, the most one response may hold with max_concurrency ${err.maxConcurrency}: ` +
          `lower max_concurrency (each response may then hold more), or leave the issue out with jql (id != ${ids[0]}).`,
        'config_error',
      );
    }
    // One half after the other: in parallel they would hold as much memory as the answer that did not fit.
    const half = Math.ceil(ids.length / 2);
    const a = await fetchFitting(http, ids.slice(0, half), picks, true);
    const b = await fetchFitting(http, ids.slice(half), picks, true);
    const errors = (x: unknown) => (Array.isArray(x) ? (x as unknown[]) : []);
    return {
      issues: a.issues === undefined || b.issues === undefined ? undefined : [...a.issues, ...b.issues],
      issueErrors: [...errors(a.issueErrors), ...errors(b.issueErrors)],
    };
  }
}
