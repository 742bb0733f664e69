// Jira Software (agile) endpoints: boards, a board's sprints and issues, a sprint's issues.
import { STATUSES, fieldsWith } from './catalog.js';
import type { SimContext } from './context.js';
import { HttpError, intParam, listParam, SimReply, SimRequest, withIssues } from './http-io.js';
import { AGILE, listPage } from './paging.js';
import { parseFields, renderOptions } from './render.js';
import { JqlError, parseJql } from './jql.js';
import { selectFirst } from './result-set.js';

export function boards(ctx: SimContext, req: SimRequest): SimReply {
  const type = req.query.get('type');
  const all = req.principal === 'user' ? ctx.catalog.boards.filter((b) => !type || type.split(',').includes(b.type)) : [];
  const r = ctx.renderer('3');
  const values = all.map((b) => {
    const p = ctx.catalog.projects[b.projectIdx]!;
    return {
      id: b.id, self: `${ctx.baseUrl}/rest/agile/1.0/board/${b.id}`, name: b.name, type: b.type,
      location: { projectId: Number(p.id), displayName: `${p.name} (${p.key})`, projectName: p.name, projectKey: p.key, projectTypeKey: 'software', avatarURI: (r.projectRef(p.idx).avatarUrls as Record<string, string>)['48x48'], name: `${p.name} (${p.key})` },
    };
  });
  // Cloud ignores maxResults above 50 on agile lists (JSWCLOUD-18382).
  return listPage(ctx, req, values, AGILE);
}

function board(ctx: SimContext, req: SimRequest) {
  const id = Number(req.params[0]);
  const b = ctx.catalog.boards.find((x) => x.id === id);
  if (!b || req.principal !== 'user') throw new HttpError(404, `Board does not exist or you do not have permission to see it.`);
  return b;
}

export function boardSprints(ctx: SimContext, req: SimRequest): SimReply {
  const b = board(ctx, req);
  if (b.type !== 'scrum') throw new HttpError(400, 'The board does not support sprints');
  const states = listParam(req.query, 'state');
  const all = ctx.catalog.sprints.filter((s) => s.boardId === b.id && (!states || states.includes(s.state)));
  const values = all.map((s) => {
    const out: Record<string, unknown> = {
      id: s.id, self: `${ctx.baseUrl}/rest/agile/1.0/sprint/${s.id}`, state: s.state, name: s.name,
      startDate: new Date(s.start).toISOString(), endDate: new Date(s.end).toISOString(),
      createdDate: new Date(s.start - 86_400_000).toISOString(), originBoardId: s.boardId, goal: s.goal,
    };
    if (s.state === 'closed') out.completeDate = new Date(s.end).toISOString();
    return out;
  });
  return listPage(ctx, req, values, AGILE);
}

/** A board's configuration: one column per workflow status, in workflow order. */
export function boardConfiguration(ctx: SimContext, req: SimRequest): SimReply {
  const b = board(ctx, req);
  const columns = STATUSES.map((s, i) => ({
    name: s.name,
    statuses: [{ id: s.id, self: `${ctx.baseUrl}/rest/api/2/status/${s.id}` }],
    ...(i === 1 ? { max: 5 } : {}),
  }));
  return {
    status: 200,
    json: {
      id: b.id, name: b.name, type: b.type, self: `${ctx.baseUrl}/rest/agile/1.0/board/${b.id}/configuration`,
      location: { type: 'project', projectKeyOrId: ctx.catalog.projects[b.projectIdx]!.id },
      filter: { id: String(10000 + b.projectIdx), self: `${ctx.baseUrl}/rest/api/2/filter/${10000 + b.projectIdx}` },
      columnConfig: { columns, constraintType: 'issueCount' },
      ranking: { rankCustomFieldId: 10019 },
    },
  };
}

export function sprintIssues(ctx: SimContext, req: SimRequest): SimReply {
  const id = Number(req.params[0]);
  const sprint = ctx.catalog.sprints.find((s) => s.id === id);
  if (!sprint || req.principal !== 'user') throw new HttpError(404, 'Sprint does not exist or you do not have permission to see it.');
  const startAt = Math.max(0, intParam(req.query, 'startAt', 0));
  const maxResults = Math.max(1, Math.min(ctx.settings.dcMaxResults, intParam(req.query, 'maxResults', 50)));
  const store = ctx.store;
  store.syncIndex(ctx.clock());
  const rows: number[] = [];
  for (let i = 0; i < store.count; i++) if (store.indexed.exists[i] && store.sprintsOf(i).includes(id)) rows.push(i);
  const sel = parseFields(listParam(req.query, 'fields'), '*navigable', fieldsWith(ctx.settings.extraCustomFields));
  const r = ctx.renderer('3');
  const issues = rows.slice(startAt, startAt + maxResults).map((i) => r.issue(store.indexed, i, { ...sel, idOnly: false }, renderOptions('3', [], 20, 20)));
  return { status: 200, raw: withIssues({ expand: 'schema,names', startAt, maxResults, total: rows.length }, issues) };
}

const ORDER_BY = /\border\s+by\b/i;

/**
 * A board's issues: those its filter (here: its project) matches, ANDed with the `jql` parameter, whose
 * ORDER BY (if any) replaces the board's rank order (stood in for by key). 50 a page at most (agile cap;
 * listPageCap caps it further).
 */
export function boardIssues(ctx: SimContext, req: SimRequest): SimReply {
  const b = board(ctx, req);
  const user = req.query.get('jql') ?? '';
  const m = ORDER_BY.exec(user);
  const where = (m ? user.slice(0, m.index) : user).trim();
  const order = m ? user.slice(m.index) : 'ORDER BY key ASC';
  const text = `project = ${ctx.catalog.projects[b.projectIdx]!.key}${where ? ` AND (${where})` : ''} ${order}`;
  let q;
  try {
    q = parseJql(text, ctx.jqlContext());
  } catch (e) {
    if (e instanceof JqlError) throw new HttpError(400, e.message);
    throw e;
  }
  const startAt = Math.max(0, intParam(req.query, 'startAt', 0));
  const extra = ctx.settings.listPageCap > 0 ? ctx.settings.listPageCap : Infinity;
  const size = Math.max(1, Math.min(AGILE.cap, extra, intParam(req.query, 'maxResults', AGILE.defaultMax)));
  const store = ctx.store;
  store.syncIndex(ctx.clock());
  const visible = req.principal === 'user';
  const picked = ctx.results.lookup(store, q, visible) ?? selectFirst(store, q, visible, startAt + size);
  const rs = 'rs' in picked ? picked.rs : picked;
  const total = 'rs' in picked ? picked.total : picked.rows.length;
  const sel = parseFields(listParam(req.query, 'fields'), '*navigable', fieldsWith(ctx.settings.extraCustomFields));
  const r = ctx.renderer(req.api);
  const opt = renderOptions(req.api, [], 20, 20);
  const issues: string[] = [];
  for (let j = startAt; j < Math.min(rs.rows.length, startAt + size); j++) issues.push(r.issue(store.indexed, rs.rows[j]!, { ...sel, idOnly: false }, opt));
  return { status: 200, raw: withIssues({ expand: 'schema,names', startAt, maxResults: size, total }, issues), issueCount: issues.length };
}
