// Jira Software (agile) endpoints: boards, a board's sprints, a sprint's issues.
import { STATUSES, fieldsWith } from './catalog.js';
import type { SimContext } from './context.js';
import { HttpError, intParam, listParam, SimReply, SimRequest, withIssues } from './http-io.js';
import { AGILE, listPage } from './paging.js';
import { parseFields, renderOptions } from './render.js';

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
  for (let i = 0; i < store.count; i++) if (store.indexed.exists[i] && store.sprint[i] === id) rows.push(i);
  const sel = parseFields(listParam(req.query, 'fields'), '*navigable', fieldsWith(ctx.settings.extraCustomFields));
  const r = ctx.renderer('3');
  const issues = rows.slice(startAt, startAt + maxResults).map((i) => r.issue(store.indexed, i, { ...sel, idOnly: false }, renderOptions('3', [], 20, 20)));
  return { status: 200, raw: withIssues({ expand: 'schema,names', startAt, maxResults, total: rows.length }, issues) };
}
