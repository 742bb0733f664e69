// issue_worklogs and deleted_worklogs: read from Jira's site-wide worklog feeds, not from the issues
// walk (embedded worklogs stop at 20, one call per issue is N+1). issue_worklogs follows
// `/worklog/updated` from its saved `since` and fetches the bodies with `POST /worklog/list` (1000 ids a
// call), keeping only worklogs of issues in the configured scope (jira/issue-scope.ts); then it
// follows `/worklog/deleted` and emits each deletion as a tombstone (the id, `updated` = the deletion
// time, the deletion marker set: protocol/deletion-marker.ts). deleted_worklogs is the
// deletion feed as rows of its own. Each feed keeps its own cursor (state/feed-cursor.ts), checkpointed
// after every page. A full refresh reads the live worklogs from start_date and no tombstones.
import { deploymentOf } from '../jira/deployment.js';
import { IssueScope } from '../jira/issue-scope.js';
import { isoUtc, parseJiraTime, toUtcRfc3339 } from '../jira/jira-time.js';
import { feedPages, listWorklogs, type FeedPage, type WorklogFeedName } from '../jira/worklog-feed.js';
import { DELETION_MARKER } from '../protocol/deletion-marker.js';
import { FEED_OVERLAP_MS, FeedCursor } from '../state/feed-cursor.js';
import { configError } from '../errors.js';
import { loadSchema } from './declare.js';
import type { JsonObject, Stream, StreamContext, StreamEvent } from './stream.js';

const API_ROOT = { cloud: '/rest/api/3', datacenter: '/rest/api/2' } as const;
const TIMES = ['created', 'updated', 'started'] as const;

/** `starts`: where a feed without a saved position starts (default start_date). */
function cursors(ctx: StreamContext, stream: string, feeds: readonly WorklogFeedName[], starts: Partial<Record<WorklogFeedName, number>> = {}): Map<WorklogFeedName, FeedCursor> {
  const start = Date.parse(ctx.config.start_date);
  const raw = ctx.syncMode === 'incremental' ? ctx.state : undefined;
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).some((k) => !(feeds as readonly string[]).includes(k)))) {
    throw configError(`The saved state for stream ${stream} is malformed: expected {${feeds.map((f) => `"${f}": {"since": <epoch ms>, "seen": [...]}`).join(', ')}}; delete the saved state for the ${stream} stream to start again from start_date.`);
  }
  return new Map(feeds.map((f) => [f, FeedCursor.parse(raw?.[f], Math.max(start, starts[f] ?? start), `its "${f}" position`, stream)]));
}

const stateOf = (c: Map<WorklogFeedName, FeedCursor>): JsonObject => Object.fromEntries([...c].map(([f, cur]) => [f, cur.toJson()]));

/** Jira's worklog with RFC 3339 UTC times (the cursor `updated` compares as an instant). */
function worklogRecord(w: Record<string, unknown>): JsonObject {
  const out: JsonObject = { ...w };
  for (const t of TIMES) if (t in w) out[t] = toUtcRfc3339(w[t]);
  return out;
}

/** The changes of one page not emitted yet, each worklog once (a page may repeat the previous page's last instant). */
function fresh(page: FeedPage, cursor: FeedCursor): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of page.entries) if (cursor.isNew(e.worklogId, e.updatedTime)) out.set(e.worklogId, Math.max(e.updatedTime, out.get(e.worklogId) ?? 0));
  return out;
}

async function* readIssueWorklogs(ctx: StreamContext): AsyncGenerator<StreamEvent> {
  const NAME = 'issue_worklogs';
  const incremental = ctx.syncMode === 'incremental';
  const feeds: WorklogFeedName[] = incremental ? ['updated', 'deleted'] : ['updated'];
  // A first run emits only live worklogs, so it needs tombstones only for deletions from its own start
  // on (a worklog emitted, then deleted while the run goes on), not for the site's whole history.
  const cur = cursors(ctx, NAME, ['updated', 'deleted'], { deleted: ctx.clock() - FEED_OVERLAP_MS });
  const deployment = deploymentOf(ctx.config);
  const root = API_ROOT[deployment];
  const scope = new IssueScope(ctx.http, deployment, { userJql: ctx.config.jql, projects: ctx.config.projects });
  let records = 0;
  let tombstones = 0;
  let outside = 0;
  const updated = cur.get('updated')!;
  for await (const page of feedPages(ctx.http, root, 'updated', updated.since)) {
    const ids = fresh(page, updated);
    const bodies = await listWorklogs(ctx.http, root, [...ids.keys()]);
    const keep = await scope.inScope(bodies.map((w) => String(w.issueId)));
    for (const [id, at] of ids) updated.note(id, at);
    for (const w of bodies) {
      const r = worklogRecord(w);
      // The body may be newer than the feed said (edited since): remember the time it was emitted at.
      if (typeof r.updated === 'string') updated.note(Number(w.id), parseJiraTime(r.updated));
      if (!keep.has(String(w.issueId))) {
        outside++;
        continue;
      }
      records++;
      yield { type: 'record', data: r };
    }
    updated.advance(page.until);
    if (incremental) yield { type: 'state', state: stateOf(cur) };
  }
  if (feeds.includes('deleted')) {
    const deleted = cur.get('deleted')!;
    for await (const page of feedPages(ctx.http, root, 'deleted', deleted.since)) {
      for (const [id, at] of fresh(page, deleted)) {
        deleted.note(id, at);
        tombstones++;
        yield { type: 'record', data: { id: String(id), updated: isoUtc(at), [DELETION_MARKER]: isoUtc(at) } };
      }
      deleted.advance(page.until);
      yield { type: 'state', state: stateOf(cur) };
    }
  }
  yield { type: 'state', state: incremental ? stateOf(cur) : {} };
  const scoped = scope.everything ? '' : `; ${outside} worklogs of issues outside projects/jql left out (${scope.searches} searches, ${scope.lookups} single issues)`;
  yield { type: 'log', level: 'INFO', message: `${NAME}: ${records} worklogs and ${tombstones} tombstones emitted${scoped}` };
}

async function* readDeletedWorklogs(ctx: StreamContext): AsyncGenerator<StreamEvent> {
  const NAME = 'deleted_worklogs';
  const cur = cursors(ctx, NAME, ['deleted']);
  const root = API_ROOT[deploymentOf(ctx.config)];
  const deleted = cur.get('deleted')!;
  let count = 0;
  for await (const page of feedPages(ctx.http, root, 'deleted', deleted.since)) {
    for (const [id, at] of fresh(page, deleted)) {
      deleted.note(id, at);
      count++;
      yield { type: 'record', data: { worklogId: id, updatedTime: at, deleted_at: isoUtc(at) } };
    }
    deleted.advance(page.until);
    if (ctx.syncMode === 'incremental') yield { type: 'state', state: stateOf(cur) };
  }
  yield { type: 'state', state: ctx.syncMode === 'incremental' ? stateOf(cur) : {} };
  yield { type: 'log', level: 'INFO', message: `${NAME}: ${count} deletions emitted` };
}

const worklogsSchema = loadSchema('issue_worklogs');

export const issueWorklogs: Stream = {
  name: 'issue_worklogs',
  primaryKey: [['id']],
  cursorField: ['updated'],
  schema: worklogsSchema,
  endpoints: {
    cloud: '`GET /rest/api/3/worklog/updated` (1000 a page) + `POST /rest/api/3/worklog/list` (1000 ids a call); tombstones from `GET /rest/api/3/worklog/deleted`; with `projects`/`jql`, ids-only `POST /rest/api/3/search/jql` per page',
    datacenter: 'same under `/rest/api/2` (scope: `POST /rest/api/2/search`)',
  },
  read: readIssueWorklogs,
};

export const deletedWorklogs: Stream = {
  name: 'deleted_worklogs',
  primaryKey: [['worklogId']],
  cursorField: ['deleted_at'],
  schema: loadSchema('deleted_worklogs'),
  endpoints: { cloud: '`GET /rest/api/3/worklog/deleted` (1000 a page)', datacenter: 'same under `/rest/api/2`' },
  read: readDeletedWorklogs,
};
