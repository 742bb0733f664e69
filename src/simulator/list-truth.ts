// What a reader of every list endpoint should get, straight from the catalog: per list stream of
// the connector, the key of every row, and for a child list how many items each parent's endpoint
// lists (the benchmark's request model needs those; a refused parent, a kanban board's sprint list,
// is `refused`). End-to-end tests compare a warehouse's tables with it (`GET /__sim/lists`).
import { FIELDS, ISSUE_TYPES, LABELS, LINK_TYPES, PRIORITIES, PROJECT_CATEGORIES, RESOLUTIONS, STATUS_CATEGORIES, STATUSES } from './catalog.js';
import type { SimContext } from './context.js';
import { ID_BASE } from './issue-store.js';
import { CONTEXTS } from './routes-lists.js';

export interface ListTruth {
  /** primary-key values of every row, as strings, in the stream's key order */
  keys: string[][];
  /** child lists: items the endpoint lists per parent (by the parent row's key, its parts joined by /) ('refused': the parent's endpoint answers an error) */
  perParent?: Record<string, number | 'refused'>;
}

const one = (xs: Array<{ id: string | number }>): string[][] => xs.map((x) => [String(x.id)]);

function grouped<P, C>(parents: P[], parentKey: (p: P) => string, children: (p: P) => C[] | 'refused', key: (p: P, c: C) => string[]): ListTruth {
  const keys: string[][] = [];
  const perParent: Record<string, number | 'refused'> = {};
  for (const p of parents) {
    const cs = children(p);
    perParent[parentKey(p)] = cs === 'refused' ? 'refused' : cs.length;
    if (cs !== 'refused') for (const c of cs) keys.push(key(p, c));
  }
  return { keys, perParent };
}

export function listTruth(ctx: SimContext): Record<string, ListTruth> {
  const c = ctx.catalog;
  const dc = ctx.settings.mode === 'datacenter';
  const userKey = (i: number) => (dc ? `JIRAUSER${10000 + i}` : c.users[i]!.accountId);
  const projects = c.projects;
  const optionFields = FIELDS.filter((f) => f.custom && CONTEXTS[f.id] !== undefined);
  const truth: Record<string, ListTruth> = {
    workflow_statuses: { keys: one(STATUSES) },
    workflow_status_categories: { keys: one(STATUS_CATEGORIES) },
    issue_fields: { keys: one(FIELDS) },
    projects: { keys: one(projects) },
    users: { keys: c.users.map((_u, i) => [userKey(i)]) },
    boards: { keys: one(c.boards) },
    sprints: grouped(c.boards, (b) => String(b.id), (b) => (b.type === 'scrum' ? c.sprints.filter((s) => s.boardId === b.id) : 'refused'), (_b, s) => [String(s.id)]),
    board_columns: grouped(c.boards, (b) => String(b.id), () => STATUSES, (b, _s) => [String(b.id)]),
    issue_types: { keys: one(ISSUE_TYPES) },
    issue_priorities: { keys: one(PRIORITIES) },
    issue_resolutions: { keys: one(RESOLUTIONS) },
    issue_link_types: { keys: one(LINK_TYPES) },
    project_versions: grouped(projects, (p) => p.id, (p) => c.versions.filter((v) => v.projectIdx === p.idx), (_p, v) => [v.id]),
    project_components: grouped(projects, (p) => p.id, (p) => c.components.filter((x) => x.projectIdx === p.idx), (_p, x) => [x.id]),
    project_categories: { keys: one(PROJECT_CATEGORIES) },
  };
  truth.board_columns!.keys = truth.board_columns!.keys.map(([b], i) => [b!, String(i % STATUSES.length)]);
  // The streams derived from issues: every live issue's links (a row on each side) and sprints, and each board's issues (its project's).
  const store = ctx.store;
  const live: number[] = [];
  for (let i = 0; i < store.count; i++) if (store.isLive(i)) live.push(i);
  truth.issue_links = {
    keys: store.links.all().flatMap((l) => (store.isLive(l.from) && store.isLive(l.to) ? [[store.idOf(l.from), String(l.id)], [store.idOf(l.to), String(l.id)]] : [])),
  };
  // The history of every live issue: per issue (perParent) how many entries its own endpoint lists.
  const r = ctx.renderer(dc ? '2' : '3');
  truth.issue_changelogs = grouped(live, (i) => store.idOf(i), (i) => r.changes(i), (i, h) => [String(h.id), store.idOf(i)]);
  truth.issue_comments = grouped(live, (i) => store.idOf(i), (i) => store.commentIds(i), (_i, id) => [String(id)]);
  truth.sprint_issues = { keys: live.flatMap((i) => store.sprintsOf(i).map((sp) => [`${sp}-${store.idOf(i)}`])) };
  truth.board_issues = grouped(
    ctx.catalogChanges.live(c.boards),
    (b) => String(b.id),
    (b) => live.filter((i) => store.project[i] === b.projectIdx),
    (b, i) => [String(b.id), store.idOf(i)],
  );
  // Worklogs: every live worklog of a live issue; deleted_worklogs: every deletion /worklog/deleted lists.
  truth.issue_worklogs = { keys: live.flatMap((i) => liveWorklogIds(ctx, i).map((id) => [String(id)])) };
  truth.deleted_worklogs = { keys: store.deletedWorklogs.map((d) => [String(d.worklogId)]) };
  if (!dc) {
    Object.assign(truth, {
      issue_custom_field_contexts: grouped(optionFields, (f) => f.id, (f) => [CONTEXTS[f.id]!], (_f, x) => [x.id]),
      issue_custom_field_options: grouped(optionFields, (f) => CONTEXTS[f.id]!.id, (f) => CONTEXTS[f.id]!.options, (f, o) => [f.id, CONTEXTS[f.id]!.id, o.id]),
      labels: { keys: LABELS.map((l) => [l]) },
      groups: { keys: c.groups.map((g) => [g.groupId]) },
      group_members: grouped(c.groups, (g) => g.groupId, (g) => g.members, (g, i) => [g.groupId, userKey(i)]),
      filters: { keys: one(c.filters) },
      // Every issue deleted at run time; the connector reports those deleted after its first census.
      deleted_issues: { keys: store.deletions.map((d) => [store.idOf(d.idx)]) },
    });
  }
  return truth;
}

function liveWorklogIds(ctx: SimContext, idx: number): number[] {
  const s = ctx.store;
  const extra = s.extras.get(idx);
  const n = s.seedWorklogs[idx]! + (extra?.worklogs.length ?? 0);
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const id = (ID_BASE + idx) * 1000 + j;
    if (!extra?.deletedWorklogs.includes(id)) out.push(id);
  }
  return out;
}
