// issue_changelogs: every history entry of each issue the walk reads, complete (not the 40 or 100
// newest an issue body carries). Cloud: POST /rest/api/3/changelog/bulkfetch for up to 1000 issues
// a call (token paged, up to 10,000 entries a page): about one request per 1000 changed issues
// instead of one per issue. Data Center has no bulk endpoint: the walk's search expands `changelog`,
// and an issue whose expansion says it holds fewer entries than its total is read again alone.
// Entries never change once written; an issue's whole history is emitted each time the issue
// changes (the key [id, issueId] makes that an upsert).
import { ConnectorError } from '../../errors.js';
import { deploymentOf } from '../../jira/deployment.js';
import type { IssueParts } from '../../jira/issue-parts.js';
import { toUtcRfc3339 } from '../../jira/jira-time.js';
import { HttpStatusError } from '../../http/jira-error.js';
import type { HttpClient } from '../../http/http-client.js';
import type { JsonObject } from '../stream.js';
import type { PreparedMember, WalkMember } from './rider.js';

/** issueIdsOrKeys per changelog/bulkfetch call (the endpoint's maximum) */
export const CHANGELOG_BULK_MAX_IDS = 1000;
/** entries per page (the endpoint's maximum) */
const CHANGELOG_PAGE = 10_000;
/** a token that does not move the read on after this many pages is a server fault */
const MAX_PAGES = 10_000;

const obj = (v: unknown): JsonObject | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined);

/** One history entry as a record. */
export function changelogRecord(issue: IssueParts, h: JsonObject): JsonObject | undefined {
  if (h.id === undefined || h.id === null) return undefined;
  return {
    id: String(h.id),
    issueId: issue.id,
    issueKey: issue.key,
    created: toUtcRfc3339(h.created),
    author: obj(h.author) ?? null,
    items: Array.isArray(h.items) ? h.items : [],
    historyMetadata: obj(h.historyMetadata) ?? null,
  };
}

/** Cloud: the histories of up to 1000 issues, by issue id. */
async function bulkHistories(http: HttpClient, ids: string[]): Promise<Map<string, JsonObject[]>> {
  const out = new Map<string, JsonObject[]>(ids.map((id) => [id, []]));
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES) throw new ConnectorError(`Jira's changelog/bulkfetch kept answering with a next page token after ${MAX_PAGES} pages for ${ids.length} issues; try again later.`, 'system_error');
    const res = await http.json<{ issueChangeLogs?: unknown; nextPageToken?: unknown }>({
      method: 'POST',
      path: '/rest/api/3/changelog/bulkfetch',
      body: { issueIdsOrKeys: ids, maxResults: CHANGELOG_PAGE, ...(token === undefined ? {} : { nextPageToken: token }) },
    });
    if (!Array.isArray(res?.issueChangeLogs)) throw new ConnectorError('Jira answered changelog/bulkfetch without an issueChangeLogs array; try again later.', 'transient_error');
    for (const raw of res.issueChangeLogs) {
      const log = obj(raw);
      const list = out.get(String(log?.issueId));
      if (list === undefined) {
        throw new ConnectorError(
          `Jira's changelog/bulkfetch answered with issue ${String(log?.issueId)}, which was not asked for (${ids.length} ids were); the answer cannot be trusted, nothing after the last STATE is lost; try again later.`,
          'system_error',
        );
      }
      for (const h of Array.isArray(log!.changeHistories) ? log!.changeHistories : []) {
        const entry = obj(h);
        if (entry !== undefined) list.push(entry);
      }
    }
    const next = typeof res.nextPageToken === 'string' && res.nextPageToken !== '' ? res.nextPageToken : undefined;
    if (next === undefined) return out;
    if (seen.has(next)) throw new ConnectorError(`Jira's changelog/bulkfetch answered a page token it had answered before (${next.slice(0, 40)}); the pages would repeat forever; try again later.`, 'system_error');
    seen.add(next);
    token = next;
  }
}

/** Data Center: the expanded changelog when it is whole, else undefined. */
function wholeExpansion(issue: IssueParts): JsonObject[] | undefined {
  const log = obj(issue.changelog);
  if (log === undefined || !Array.isArray(log.histories)) return undefined;
  const total = typeof log.total === 'number' ? log.total : log.histories.length;
  return log.histories.length >= total ? (log.histories.map(obj).filter((h) => h !== undefined) as JsonObject[]) : undefined;
}

/** Data Center: one issue's history alone (its expansion was cut short); undefined when the issue is gone. */
async function oneIssueHistories(http: HttpClient, id: string): Promise<{ histories: JsonObject[]; total: number } | undefined> {
  try {
    const res = await http.json<{ changelog?: unknown }>({ method: 'GET', path: `/rest/api/2/issue/${encodeURIComponent(id)}`, query: { fields: 'updated', expand: 'changelog' } });
    const log = obj(res?.changelog);
    const histories = (Array.isArray(log?.histories) ? log!.histories.map(obj).filter((h) => h !== undefined) : []) as JsonObject[];
    return { histories, total: typeof log?.total === 'number' ? log.total : histories.length };
  } catch (err) {
    if (err instanceof HttpStatusError && err.status === 404) return undefined;
    throw err;
  }
}

export const issueChangelogsRider: WalkMember = {
  name: 'issue_changelogs',
  async prepare(ctx): Promise<PreparedMember> {
    const cloud = deploymentOf(ctx.config) === 'cloud';
    const loaded = new Map<string, JsonObject[]>();
    let short = 0;
    return {
      fields: [],
      picks: { updated: null },
      expand: cloud ? [] : ['changelog'],
      loadSize: cloud ? CHANGELOG_BULK_MAX_IDS : 0,
      async load(issues) {
        if (cloud) {
          const ids = [...new Set(issues.map((i) => i.id))];
          for (let at = 0; at < ids.length; at += CHANGELOG_BULK_MAX_IDS) {
            for (const [id, list] of await bulkHistories(ctx.http, ids.slice(at, at + CHANGELOG_BULK_MAX_IDS))) loaded.set(id, list);
          }
          return;
        }
        await Promise.all(
          issues.map(async (issue) => {
            const whole = wholeExpansion(issue);
            if (whole !== undefined) return void loaded.set(issue.id, whole);
            const alone = await oneIssueHistories(ctx.http, issue.id);
            if (alone === undefined) return;
            if (alone.histories.length < alone.total) short++;
            loaded.set(issue.id, alone.histories);
          }),
        );
      },
      records(issue) {
        const list = loaded.get(issue.id) ?? [];
        loaded.delete(issue.id);
        return list.flatMap((h): JsonObject[] => { const r = changelogRecord(issue, h); return r === undefined ? [] : [r]; });
      },
      warnings: () =>
        short === 0 ? [] : [`issue_changelogs: for ${short} issues Jira answered fewer history entries than the total it gave, even read alone; the oldest ones it left out are missing`],
    };
  },
};
