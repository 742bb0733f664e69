// Issue bodies by id: POST /rest/api/3/issue/bulkfetch, at most 100 ids a call. It reads current
// data, not the search index. Ids it leaves out (listed in issueErrors, or silently omitted) are asked
// again; ids still missing are fetched one by one (GET /issue/{id}), where a 404 is the proof that the
// issue was deleted or hidden since it was listed. Credentials are proven before that, since an
// expired token's anonymous view leaves everything out. An answer for an id never asked for is an error.
// Fields are `*navigable` (Jira's default): `*all` adds comment and worklog pages that Jira truncates
// at 20 entries, which belong in their own streams and double the bytes to parse.
// The answer is read from its bytes (bulkfetch-body.ts): `fields` is passed through, not parsed.
import type { HttpClient } from '../http/http-client.js';
import { ConnectorError } from '../errors.js';
import { mb, ResponseTooLargeError } from '../http/capped-body.js';
import { HttpStatusError } from '../http/jira-error.js';
import { RawJson } from '../json/raw-json.js';
import { readBulkfetchBody, type BulkfetchBody } from './bulkfetch-body.js';
import { partsOfParsedIssue, type FieldPicks, type IssueParts } from './issue-parts.js';

export const BULKFETCH_MAX_IDS = 100;
/** bulkfetch calls for one batch (the first and one for what it left out) before ids are fetched one by one */
const BULKFETCH_TRIES = 2;

export interface FetchedBatch {
  /** the bodies in the order of the ids asked for, without the ones Jira no longer has */
  issues: IssueParts[];
  /** ids Jira answered 404 for, one by one: deleted or hidden since they were listed */
  gone: string[];
}

/**
 * `fields`: what to fetch of each issue (default `*navigable`; the streams derived from the walk ask
 * for less). `omit`: fields read through `picks` only, left out of each issue's `fields`.
 */
export async function bulkFetch(http: HttpClient, ids: string[], picks: FieldPicks, prove: () => Promise<void>, fields: readonly string[] = ['*navigable'], omit: readonly string[] = []): Promise<FetchedBatch> {
  if (ids.length === 0) return { issues: [], gone: [] };
  if (ids.length > BULKFETCH_MAX_IDS) throw new Error(`bulkFetch takes at most ${BULKFETCH_MAX_IDS} ids`);
  const asked = new Set(ids);
  const found = new Map<string, IssueParts>();
  let ask = ids;
  for (let tries = 1; ask.length > 0 && tries <= BULKFETCH_TRIES; tries++) {
    const res = await fetchFitting(http, ask, picks, fields, omit);
    if (res.issues === undefined) throw new ConnectorError('Jira answered issue/bulkfetch without an issues array; try again later.', 'transient_error');
    for (const issue of res.issues) {
      if (!asked.has(issue.id)) {
        throw new ConnectorError(
          `Jira's issue/bulkfetch answered with issue ${issue.id}, which was not asked for (${ask.length} ids were); the answer cannot be trusted, nothing after the last STATE is lost; try again later.`,
          'system_error',
        );
      }
      found.set(issue.id, issue);
    }
    ask = ask.filter((id) => !found.has(id));
  }
  const gone: string[] = [];
  if (ask.length > 0) {
    await prove(); // nothing proves a deletion while the answers may be an anonymous view
    const one = await Promise.all(ask.map((id) => fetchOne(http, id, picks, fields, omit)));
    ask.forEach((id, n) => {
      const issue = one[n];
      if (issue === undefined) gone.push(id);
      else found.set(id, issue);
    });
  }
  return {
    issues: ids.flatMap((id) => {
      const issue = found.get(id);
      return issue === undefined ? [] : [issue];
    }),
    gone,
  };
}

/** One issue by id; undefined when Jira answers 404 (deleted, or no longer visible to the user). */
async function fetchOne(http: HttpClient, id: string, picks: FieldPicks, fields: readonly string[], omit: readonly string[]): Promise<IssueParts | undefined> {
  try {
    const issue = await http.json<{ id: unknown; key: unknown; fields?: unknown }>({
      method: 'GET',
      path: `/rest/api/3/issue/${encodeURIComponent(id)}`,
      query: { fields: fields.join(',') },
    });
    if (String(issue?.id) !== id) {
      throw new ConnectorError(`Jira answered GET issue/${id} with issue ${String(issue?.id)}; try again later.`, 'system_error');
    }
    return partsOfParsedIssue(issue, picks, omit);
  } catch (err) {
    if (err instanceof HttpStatusError && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * One bulkfetch call; an answer over the HTTP client's size cap is asked for again in halves, down to
 * one issue. The parts of a split answer are compacted: each issue's fields are copied out of the body
 * they came in, so whatever else that body held (the rest of a huge answer) is not kept until the
 * batch is emitted.
 */
async function fetchFitting(http: HttpClient, ids: string[], picks: FieldPicks, fields: readonly string[], omit: readonly string[], part = false): Promise<BulkfetchBody> {
  try {
    const res = await http.json<BulkfetchBody>({
      method: 'POST',
      path: '/rest/api/3/issue/bulkfetch',
      body: { issueIdsOrKeys: ids, fields },
      decode: (bytes) => readBulkfetchBody(bytes, picks, omit),
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
    const a = await fetchFitting(http, ids.slice(0, half), picks, fields, omit, true);
    const b = await fetchFitting(http, ids.slice(half), picks, fields, omit, true);
    const errors = (x: unknown) => (Array.isArray(x) ? (x as unknown[]) : []);
    return {
      issues: a.issues === undefined || b.issues === undefined ? undefined : [...a.issues, ...b.issues],
      issueErrors: [...errors(a.issueErrors), ...errors(b.issueErrors)],
    };
  }
}
