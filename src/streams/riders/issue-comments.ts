// issue_comments: every comment of each issue the walk reads. The `comment` field rides in the
// bodies the walk fetches anyway (bulkfetch on Cloud, the search on Data Center), where Jira cuts it
// short (20 on Cloud) but says the total; only an issue with more comments than that is read again,
// from its own comment pages (GET /issue/{id}/comment, 100 a page). The `comment` field is left out
// of the issues record's `fields` (it is fetched for this stream only).
//
// Deleted comments: Jira keeps no tombstone and no feed of them. Each time an issue changes, its
// whole current comment set is emitted, every row with the issue's `updated` as `issue_updated`, so
// a row is current exactly when its issue_updated equals the issue's latest `updated` (README
// "Streams": the rule to apply in the warehouse). Whether Jira moves an issue's `updated` when a
// comment is edited or deleted is not documented: where it does not, only a full refresh of this
// stream sees those changes.
import { deploymentOf } from '../../jira/deployment.js';
import type { IssueParts } from '../../jira/issue-parts.js';
import { toUtcRfc3339 } from '../../jira/jira-time.js';
import { HttpStatusError } from '../../http/jira-error.js';
import type { HttpClient } from '../../http/http-client.js';
import { ConnectorError } from '../../errors.js';
import type { JsonObject } from '../stream.js';
import type { PreparedMember, WalkMember } from './rider.js';

/** the most comments one page of GET /issue/{id}/comment holds on Cloud */
export const COMMENT_PAGE = 100;

const obj = (v: unknown): JsonObject | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined);

/** The comments a body carries, and whether they are all of them. */
export function embeddedComments(issue: IssueParts): { comments: JsonObject[]; whole: boolean } {
  const page = obj(issue.picked.comment);
  // No `comment` value: no comment is visible; a value without a comments array is read from the pages.
  if (page === undefined) return { comments: [], whole: true };
  if (!Array.isArray(page.comments)) return { comments: [], whole: false };
  const comments = page.comments.map(obj).filter((c) => c !== undefined) as JsonObject[];
  const total = typeof page.total === 'number' ? page.total : comments.length;
  return { comments, whole: comments.length >= total };
}

export function commentRecord(issue: IssueParts, c: JsonObject, issueUpdated: string | null): JsonObject | undefined {
  if (c.id === undefined || c.id === null) return undefined;
  return {
    id: String(c.id),
    issueId: issue.id,
    issueKey: issue.key,
    self: typeof c.self === 'string' ? c.self : null,
    author: obj(c.author) ?? null,
    updateAuthor: obj(c.updateAuthor) ?? null,
    body: c.body ?? null,
    created: toUtcRfc3339(c.created),
    updated: toUtcRfc3339(c.updated),
    jsdPublic: typeof c.jsdPublic === 'boolean' ? c.jsdPublic : null,
    visibility: obj(c.visibility) ?? null,
    issue_updated: issueUpdated,
  };
}

/** Every comment of one issue, oldest first, from its own pages; undefined when the issue is gone. */
async function allComments(http: HttpClient, api: '2' | '3', id: string): Promise<JsonObject[] | undefined> {
  const out: JsonObject[] = [];
  try {
    for (;;) {
      const res = await http.json<{ comments?: unknown; total?: unknown }>({
        method: 'GET',
        path: `/rest/api/${api}/issue/${encodeURIComponent(id)}/comment`,
        query: { startAt: out.length, maxResults: COMMENT_PAGE, orderBy: 'created' },
      });
      if (!Array.isArray(res?.comments)) throw new ConnectorError(`Jira answered issue/${id}/comment without a comments array; try again later.`, 'transient_error');
      for (const c of res.comments) {
        const comment = obj(c);
        if (comment !== undefined) out.push(comment);
      }
      const total = typeof res.total === 'number' ? res.total : out.length;
      if (res.comments.length === 0 || out.length >= total) return out;
    }
  } catch (err) {
    if (err instanceof HttpStatusError && err.status === 404) return undefined;
    throw err;
  }
}

export const issueCommentsRider: WalkMember = {
  name: 'issue_comments',
  async prepare(ctx): Promise<PreparedMember> {
    const api = deploymentOf(ctx.config) === 'cloud' ? '3' : '2';
    /** comments read from their own pages, by issue id, until the issue's records are made */
    const paged = new Map<string, JsonObject[] | undefined>();
    return {
      fields: ['comment'],
      own: ['comment'],
      picks: { updated: null, comment: null },
      loadSize: 0,
      async load(issues) {
        const cut = issues.filter((i) => !embeddedComments(i).whole);
        await Promise.all(cut.map(async (i) => paged.set(i.id, await allComments(ctx.http, api, i.id))));
      },
      records(issue) {
        const issueUpdated = toUtcRfc3339(issue.picked.updated);
        let comments: JsonObject[] | undefined;
        if (paged.has(issue.id)) {
          comments = paged.get(issue.id);
          paged.delete(issue.id);
          if (comments === undefined) return []; // deleted since its body was read
        } else comments = embeddedComments(issue).comments;
        return comments.flatMap((c): JsonObject[] => { const r = commentRecord(issue, c, issueUpdated); return r === undefined ? [] : [r]; });
      },
    };
  },
};
