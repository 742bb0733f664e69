// Metadata endpoints: myself, serverInfo, fields, projects, statuses, priorities, issue types,
// resolutions, users, project versions and components.
import { fieldsWith, ISSUE_TYPES, PRIORITIES, RESOLUTIONS, STATUS_CATEGORIES, STATUSES } from './catalog.js';
import type { SimContext } from './context.js';
import { HttpError, SimReply, SimRequest } from './http-io.js';
import { listPage } from './paging.js';

export function myself(ctx: SimContext, req: SimRequest): SimReply {
  const r = ctx.renderer(req.api);
  const me = r.user(0);
  return {
    status: 200,
    json: { ...me, locale: 'en_US', groups: { size: 1, items: [] }, applicationRoles: { size: 1, items: [] }, expand: 'groups,applicationRoles' },
  };
}

export function serverInfo(ctx: SimContext, req: SimRequest): SimReply {
  const dc = ctx.settings.mode === 'datacenter';
  const now = ctx.clock();
  return {
    status: 200,
    json: {
      baseUrl: ctx.baseUrl,
      version: dc ? '9.12.15' : '1001.0.0-SNAPSHOT',
      versionNumbers: dc ? [9, 12, 15] : [1001, 0, 0],
      deploymentType: dc ? 'DataCenter' : 'Cloud',
      buildNumber: dc ? 9120015 : 100287,
      buildDate: ctx.zone.format(Date.UTC(2026, 0, 5, 10, 0)),
      serverTime: ctx.zone.format(now),
      scmInfo: '0f2d7c3e9a1b4c5d6e7f8091a2b3c4d5e6f70812',
      serverTitle: 'Jira (simulated)',
      serverTimeZone: ctx.settings.userTimeZone,
    },
  };
}

export function fields(ctx: SimContext, _req: SimRequest): SimReply {
  return {
    status: 200,
    json: fieldsWith(ctx.settings.extraCustomFields).map((f) => ({
      id: f.id, key: f.id, name: f.name, custom: f.custom, orderable: f.orderable, navigable: f.navigable,
      searchable: f.searchable, clauseNames: f.clauseNames, ...(f.schema ? { schema: f.schema } : {}),
    })),
  };
}

function project(ctx: SimContext, api: '2' | '3', pIdx: number): Record<string, unknown> {
  const r = ctx.renderer(api);
  const p = ctx.catalog.projects[pIdx]!;
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    ...r.projectRef(pIdx),
    style: 'classic', isPrivate: false, properties: {}, uuid: `00000000-0000-4000-8000-0000000${String(10000 + p.idx)}`,
  };
}

export function projectSearch(ctx: SimContext, req: SimRequest): SimReply {
  const visible = req.principal === 'user' ? ctx.catalogChanges.live(ctx.catalog.projects).sort((a, b) => (a.key < b.key ? -1 : 1)) : [];
  return listPage(ctx, req, visible.map((p) => project(ctx, req.api, p.idx)), { shape: 'pageBean', defaultMax: 50, cap: 100 });
}

export function projectsList(ctx: SimContext, req: SimRequest): SimReply {
  const visible = req.principal === 'user' ? ctx.catalogChanges.live(ctx.catalog.projects) : [];
  return { status: 200, json: visible.map((p) => project(ctx, req.api, p.idx)) };
}

function projectIdx(ctx: SimContext, req: SimRequest): number {
  const v = decodeURIComponent(req.params[0]!);
  const i = ctx.catalog.projects.findIndex((p) => p.id === v || p.key === v.toUpperCase());
  if (i < 0 || req.principal !== 'user' || ctx.catalogChanges.live([ctx.catalog.projects[i]!]).length === 0) throw new HttpError(404, `No project could be found with key '${v}'.`);
  return i;
}

/** One project; 404 for a deleted one or one the user may not browse. */
export function projectGet(ctx: SimContext, req: SimRequest): SimReply {
  return { status: 200, json: project(ctx, req.api, projectIdx(ctx, req)) };
}

export function projectVersions(ctx: SimContext, req: SimRequest): SimReply {
  const p = projectIdx(ctx, req);
  const r = ctx.renderer(req.api);
  return { status: 200, json: ctx.catalog.versions.flatMap((v, i) => (v.projectIdx === p ? [r.version(i)] : [])) };
}

export function projectComponents(ctx: SimContext, req: SimRequest): SimReply {
  const p = projectIdx(ctx, req);
  const r = ctx.renderer(req.api);
  return { status: 200, json: ctx.catalog.components.flatMap((c, i) => (c.projectIdx === p ? [r.component(i, true)] : [])) };
}

export function statuses(ctx: SimContext, req: SimRequest): SimReply {
  const r = ctx.renderer(req.api);
  return { status: 200, json: STATUSES.map((s) => ({ ...r.status(s.id), untranslatedName: s.name })) };
}

export function statusCategories(ctx: SimContext, req: SimRequest): SimReply {
  const r = ctx.renderer(req.api);
  return { status: 200, json: STATUS_CATEGORIES.map((c) => r.statusCategory(c.id)) };
}

export function priorities(ctx: SimContext, req: SimRequest): SimReply {
  const r = ctx.renderer(req.api);
  const colors = ['#d04437', '#f15C75', '#f79232', '#707070', '#999999'];
  return { status: 200, json: PRIORITIES.map((p, i) => ({ ...r.priority(p.id), description: p.description, statusColor: colors[i], isDefault: i === 2 })) };
}

export function issueTypes(ctx: SimContext, req: SimRequest): SimReply {
  const r = ctx.renderer(req.api);
  return { status: 200, json: ISSUE_TYPES.map((t) => r.issueType(t.id)) };
}

export function resolutions(ctx: SimContext, req: SimRequest): SimReply {
  const r = ctx.renderer(req.api);
  return { status: 200, json: RESOLUTIONS.map((x) => r.resolutionBean(x.id)) };
}

export function usersSearch(ctx: SimContext, req: SimRequest): SimReply {
  const r = ctx.renderer(req.api);
  const all = req.principal === 'user' ? ctx.catalog.users.flatMap((u, i) => (ctx.catalogChanges.live([u]).length ? [r.user(i)] : [])) : [];
  return listPage(ctx, req, all, { shape: 'array', defaultMax: 50, cap: 1000 });
}
