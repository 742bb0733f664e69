// Per-issue collections (comments, worklogs, changelog; current data, not the index), the bulk
// changelog fetch, and the worklog change feeds.
import type { SimContext } from './context.js';
import { badRequest, fromBody, intParam, listParam, notFoundIssue, pageBean, SimReply, SimRequest } from './http-io.js';
import { fieldsWith } from './catalog.js';
import { ID_BASE } from './issue-store.js';
import { parseFields, renderOptions, type ChangeHistory } from './render.js';
import type { FeedRow } from './worklog-feed.js';
import { underListCap } from './paging.js';

export function issueSlot(ctx: SimContext, req: SimRequest): number {
  const idx = ctx.store.resolve(decodeURIComponent(req.params[0]!));
  if (req.principal !== 'user' || !ctx.store.isLive(idx)) throw notFoundIssue();
  return idx;
}

export function comments(ctx: SimContext, req: SimRequest): SimReply {
  const idx = issueSlot(ctx, req);
  const startAt = Math.max(0, intParam(req.query, 'startAt', 0));
  // Cloud serves at most 100 a page whatever maxResults asks (pycontribs/jira#1938).
  const cap = underListCap(ctx, ctx.settings.mode === 'cloud' ? 100 : 5000);
  const maxResults = Math.max(0, Math.min(cap, intParam(req.query, 'maxResults', 100)));
  const r = ctx.renderer(req.api);
  let all = r.comments(idx);
  if (req.query.get('orderBy') === '-created') all = [...all].reverse();
  const page = all.slice(startAt, startAt + maxResults).map((c) => r.comment(idx, c));
  return { status: 200, json: { startAt, maxResults, total: all.length, comments: page } };
}

export function worklogs(ctx: SimContext, req: SimRequest): SimReply {
  const idx = issueSlot(ctx, req);
  const startAt = Math.max(0, intParam(req.query, 'startAt', 0));
  const maxResults = Math.max(0, Math.min(5000, intParam(req.query, 'maxResults', 5000)));
  const after = intParam(req.query, 'startedAfter', Number.NEGATIVE_INFINITY);
  const before = intParam(req.query, 'startedBefore', Number.POSITIVE_INFINITY);
  const r = ctx.renderer(req.api);
  const all = r.worklogs(idx).filter((w) => w.at >= after && w.at <= before);
  return { status: 200, json: { startAt, maxResults, total: all.length, worklogs: all.slice(startAt, startAt + maxResults).map((w) => r.worklog(idx, w)) } };
}

export function changelog(ctx: SimContext, req: SimRequest): SimReply {
  const idx = issueSlot(ctx, req);
  const startAt = Math.max(0, intParam(req.query, 'startAt', 0));
  const maxResults = Math.max(1, Math.min(100, intParam(req.query, 'maxResults', 100)));
  const r = ctx.renderer(req.api);
  const all = r.changes(idx); // oldest first, as this endpoint returns them
  const self = `${ctx.baseUrl}/rest/api/${req.api}/issue/${ID_BASE + idx}/changelog?startAt=${startAt}&maxResults=${maxResults}`;
  return { status: 200, json: pageBean(self, startAt, maxResults, all.length, all.slice(startAt, startAt + maxResults).map((h) => r.history(h))) };
}

const BULK_CHANGELOG_KEYS = new Set(['issueIdsOrKeys', 'fieldIds', 'maxResults', 'nextPageToken']);

/** POST /changelog/bulkfetch: histories of many issues, by date then issue id, token paged. */
export function changelogBulk(ctx: SimContext, req: SimRequest): SimReply {
  const b = fromBody(req, BULK_CHANGELOG_KEYS, 'BulkChangelogRequestBean');
  const ids = b.issueIdsOrKeys;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 1000) throw badRequest('issueIdsOrKeys must hold between 1 and 1000 issue ids or keys.');
  const fieldIds = Array.isArray(b.fieldIds) ? (b.fieldIds as string[]) : [];
  if (fieldIds.length > 10) throw badRequest('fieldIds can hold at most 10 field ids.');
  const asked = b.maxResults === undefined ? 1000 : Number(b.maxResults);
  if (!Number.isInteger(asked) || asked < 1 || asked > 10000) throw badRequest('maxResults must be between 1 and 10000.');
  const maxResults = underListCap(ctx, asked);
  let start = 0;
  if (b.nextPageToken !== undefined && b.nextPageToken !== null) {
    const m = /^cl-(\d+)$/.exec(String(b.nextPageToken));
    if (!m) throw badRequest(`The value '${String(b.nextPageToken)}' is not a valid nextPageToken.`);
    start = Number(m[1]);
  }
  const store = ctx.store;
  const slots = req.principal === 'user' ? [...new Set(ids.map((x) => store.resolve(String(x))).filter((i) => store.isLive(i)))] : [];
  const r = ctx.renderer(req.api);
  const rows: Array<{ idx: number; h: ChangeHistory }> = [];
  for (const idx of slots) for (const h of r.changes(idx)) if (!fieldIds.length || fieldIds.includes(h.field)) rows.push({ idx, h });
  rows.sort((x, y) => x.h.at - y.h.at || x.idx - y.idx || x.h.id - y.h.id);
  const page = rows.slice(start, start + maxResults);
  const grouped: Array<{ issueId: string; changeHistories: unknown[] }> = [];
  for (const { idx, h } of page) {
    const issueId = String(ID_BASE + idx);
    let g = grouped[grouped.length - 1];
    if (!g || g.issueId !== issueId) grouped.push((g = { issueId, changeHistories: [] }));
    g.changeHistories.push(r.history(h));
  }
  const out: Record<string, unknown> = { issueChangeLogs: grouped };
  if (start + maxResults < rows.length) out.nextPageToken = `cl-${start + maxResults}`;
  return { status: 200, json: out };
}

/**
 * A ChangedWorklogs page. `until` is the time of the page's youngest item (`since` when empty);
 * `nextPage` asks from `until` again and is there on the last page too, as in the spec's example.
 */
function feedReply(ctx: SimContext, req: SimRequest, name: string, since: number, rows: FeedRow[], more: boolean): SimReply {
  const until = rows.length ? rows[rows.length - 1]!.at : since;
  const out: Record<string, unknown> = {
    values: rows.map((w) => ({ worklogId: w.id, updatedTime: w.at, properties: [] })),
    since, until, self: `${ctx.baseUrl}/rest/api/${req.api}/worklog/${name}?since=${since}`, lastPage: !more,
    nextPage: `${ctx.baseUrl}/rest/api/${req.api}/worklog/${name}?since=${until}`,
  };
  return { status: 200, json: out };
}

/** Jira leaves out the last minute of worklog changes: they may still be settling. */
function horizon(ctx: SimContext): number {
  return ctx.clock() - ctx.settings.worklogFeedDelayMs;
}

export function worklogUpdated(ctx: SimContext, req: SimRequest): SimReply {
  const since = intParam(req.query, 'since', 0);
  const { rows, more } = req.principal === 'user' ? ctx.worklogFeed.page(since, horizon(ctx), 1000) : { rows: [], more: false };
  return feedReply(ctx, req, 'updated', since, rows, more);
}

export function worklogDeleted(ctx: SimContext, req: SimRequest): SimReply {
  const since = intParam(req.query, 'since', 0);
  const h = horizon(ctx);
  const all = req.principal === 'user' ? ctx.store.deletedWorklogs.filter((d) => d.at >= since && d.at <= h) : [];
  const rows = all.slice(0, 1000).map((d) => ({ id: d.worklogId, at: d.at }));
  return feedReply(ctx, req, 'deleted', since, rows, all.length > 1000);
}

export function worklogList(ctx: SimContext, req: SimRequest): SimReply {
  const b = fromBody(req, new Set(['ids']), 'WorklogIdsRequestBean');
  if (!Array.isArray(b.ids) || b.ids.length < 1 || b.ids.length > 1000) throw badRequest('ids must be a list of 1 to 1000 worklog ids.');
  if (req.principal !== 'user') return { status: 200, json: [] };
  const r = ctx.renderer(req.api);
  const out: unknown[] = [];
  for (const raw of b.ids) {
    const id = Number(raw);
    const idx = Math.floor(id / 1000) - ID_BASE;
    if (!ctx.store.isLive(idx)) continue;
    const w = r.worklogs(idx).find((x) => x.id === id);
    if (w) out.push(r.worklog(idx, w));
  }
  return { status: 200, json: out };
}

/** GET /issue/{idOrKey}: one issue, current data, `*all` fields by default. */
export function getIssue(ctx: SimContext, req: SimRequest): SimReply {
  const idx = issueSlot(ctx, req);
  const sel = parseFields(listParam(req.query, 'fields'), '*all', fieldsWith(ctx.settings.extraCustomFields));
  const expand = listParam(req.query, 'expand') ?? [];
  const r = ctx.renderer(req.api);
  const dc = ctx.settings.mode === 'datacenter';
  return { status: 200, raw: r.issue(ctx.store.live, idx, { ...sel, idOnly: false }, renderOptions(req.api, expand, 5000, dc ? Infinity : 100)) };
}
