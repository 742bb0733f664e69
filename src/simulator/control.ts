// The control side of the simulator: truth, run-time configuration, synchronous changes, churn and
// the request log; exposed in-process (SimulatorControl) and over HTTP under /__sim/.
import type { SimContext } from './context.js';
import { summaryOf } from './render.js';
import { listTruth } from './list-truth.js';
import type { RequestLog } from './request-log.js';
import { CONFIGURABLE_OPTIONS, type CatalogKind, type ChurnOptions, type SimulatorControl, type TruthIssue } from './types.js';
import { CATALOG_KINDS } from './catalog-changes.js';
import { LINK_TYPES } from './catalog.js';
import { ID_BASE } from './issue-store.js';

export interface ControlDeps {
  ctx: SimContext;
  log: RequestLog;
  rnd: () => number;
  startChurn(c?: ChurnOptions): void;
  stopChurn(): void;
}

/** Distinct random live issues, at most `count`; or the given ids/keys that are live. */
function pickDistinct(ctx: SimContext, count: number, rnd: () => number, ids?: string[]): number[] {
  const store = ctx.store;
  if (ids) return [...new Set(ids.map((x) => store.resolve(x)).filter((i) => store.isLive(i)))];
  const want = Math.min(Math.max(0, Math.floor(count)), store.size);
  const out = new Set<number>();
  while (out.size < want) {
    const idx = store.pickLive(rnd);
    if (idx < 0) break;
    out.add(idx);
  }
  return [...out];
}

export function createControl(d: ControlDeps): SimulatorControl {
  const { ctx, log, rnd } = d;
  const store = ctx.store;
  return {
    snapshot(): TruthIssue[] {
      return this.truth();
    },
    truth(): TruthIssue[] {
      const out: TruthIssue[] = [];
      const L = store.live;
      for (let i = 0; i < store.count; i++) {
        if (!L.exists[i]) continue;
        out.push({
          id: store.idOf(i), key: store.keyOf(i), projectKey: ctx.catalog.projects[store.project[i]!]!.key,
          updated: L.updated[i]!, created: store.created[i]!, summary: summaryOf(store.seed, i, L.rev[i]!),
        });
      }
      return out;
    },
    listTruth: () => listTruth(ctx),
    configure(patch) {
      const s = ctx.settings;
      const unknown = Object.keys(patch).filter((k) => !(CONFIGURABLE_OPTIONS as readonly string[]).includes(k));
      if (unknown.length) throw new Error(`configure(): ${unknown.join(', ')} cannot be changed at run time; configurable: ${CONFIGURABLE_OPTIONS.join(', ')}.`);
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) continue;
        (s as unknown as Record<string, unknown>)[k] = v;
      }
      if (patch.indexLagMs !== undefined) store.lagMs = patch.indexLagMs;
      if (patch.churn) d.startChurn(patch.churn);
    },
    updateIssues(count, opts) {
      const now = ctx.clock();
      const picked = pickDistinct(ctx, count, rnd, opts?.ids);
      picked.forEach((idx, k) => store.update(idx, opts?.sameInstant ? now : now - (picked.length - 1 - k), rnd));
      return picked.map((i) => store.idOf(i));
    },
    bulkEdit(count, at, opts) {
      const when = at ?? ctx.clock();
      const picked = pickDistinct(ctx, count, rnd, opts?.ids);
      for (const idx of picked) store.touch(idx, when);
      return picked.map((i) => store.idOf(i));
    },
    createIssues(count) {
      const now = ctx.clock();
      const out: string[] = [];
      for (let k = 0; k < count; k++) out.push(store.idOf(store.create(now, rnd)));
      return out;
    },
    deleteIssues(count, opts) {
      const now = ctx.clock();
      const picked = pickDistinct(ctx, count, rnd, opts?.ids);
      for (const idx of picked) store.delete(idx, now);
      return picked.map((i) => store.idOf(i));
    },
    moveIssues(count, opts) {
      const now = ctx.clock();
      const projects = ctx.catalog.projects;
      const to = opts?.toProject === undefined ? -1 : projects.findIndex((p) => p.key === opts.toProject);
      if (opts?.toProject !== undefined && to < 0) throw new Error(`moveIssues(): no project with key ${opts.toProject}.`);
      const picked = pickDistinct(ctx, count, rnd, opts?.ids);
      for (const idx of picked) {
        const target = to >= 0 ? to : (store.project[idx]! + 1 + Math.floor(rnd() * (projects.length - 1))) % projects.length;
        store.move(idx, target, now);
      }
      return picked.map((i) => store.idOf(i));
    },
    hideProject: (key, hidden = true) => ctx.catalogChanges.hideProject(key, hidden),
    createEntity: (kind, fields) => ctx.catalogChanges.create(kind, fields),
    updateEntity: (kind, id, patch) => ctx.catalogChanges.update(kind, id, patch),
    deleteEntity: (kind, id) => ctx.catalogChanges.delete(kind, id),
    linkIssues(fromId, toId, opts) {
      const [from, to] = [store.resolve(fromId), store.resolve(toId)];
      if (!store.isLive(from) || !store.isLive(to) || from === to) throw new Error(`linkIssues(): ${fromId} and ${toId} must be two live issues.`);
      const type = LINK_TYPES.findIndex((t) => t.id === (opts?.typeId ?? LINK_TYPES[0]!.id));
      if (type < 0) throw new Error(`linkIssues(): no link type ${opts?.typeId}; types: ${LINK_TYPES.map((t) => t.id).join(', ')}.`);
      return String(store.link(from, to, type, ctx.clock()).id);
    },
    unlinkIssues(linkId) {
      if (!store.unlink(Number(linkId), ctx.clock())) throw new Error(`unlinkIssues(): no link ${linkId}.`);
    },
    moveToSprint(ids, sprintId) {
      if (sprintId !== null && !ctx.catalog.sprints.some((s) => s.id === sprintId)) throw new Error(`moveToSprint(): no sprint ${sprintId}.`);
      const now = ctx.clock();
      const picked = pickDistinct(ctx, 0, rnd, ids);
      for (const idx of picked) store.setSprint(idx, sprintId ?? 0, now);
      return picked.map((i) => store.idOf(i));
    },
    addComments(count, opts) {
      const now = ctx.clock();
      return pickDistinct(ctx, count, rnd, opts?.ids).map((idx) => {
        store.addComment(idx, now);
        return String(store.commentIds(idx).at(-1));
      });
    },
    changeComments(kind, count, opts) {
      const now = ctx.clock();
      return pickDistinct(ctx, count, rnd, opts?.ids).flatMap((idx) => {
        const id = store.changeComment(idx, kind, now, ctx.settings.commentChangesMoveUpdated, rnd);
        return id === undefined ? [] : [String(id)];
      });
    },
    links: () =>
      store.links.all().flatMap((l) =>
        store.isLive(l.from) && store.isLive(l.to) ? [{ id: String(l.id), fromId: String(ID_BASE + l.from), toId: String(ID_BASE + l.to), typeId: LINK_TYPES[l.type]!.id }] : [],
      ),
    sprintMembership() {
      const out: Array<{ issueId: string; sprintId: number }> = [];
      for (let i = 0; i < store.count; i++) if (store.isLive(i)) for (const sprintId of store.sprintsOf(i)) out.push({ issueId: store.idOf(i), sprintId });
      return out;
    },
    startChurn: (c) => d.startChurn(c),
    stopChurn: () => d.stopChurn(),
    requests: () => log.all(),
    requestCounts: () => log.countsByEndpoint(),
    unrouted: () => log.unrouted(),
    resetRequestLog: () => log.reset(),
  };
}

/** HTTP face of the control API for out-of-process users (benchmark, end-to-end tests). */
export function controlOverHttp(control: SimulatorControl, method: string, path: string, body: unknown): { status: number; json: unknown } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const count = Number.isInteger(b.count) ? (b.count as number) : 1;
  const ids = Array.isArray(b.ids) ? b.ids.map(String) : undefined;
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /__sim/truth': return { status: 200, json: control.truth() };
    case 'GET /__sim/lists': return { status: 200, json: control.listTruth() };
    case 'POST /__sim/configure':
      try {
        control.configure(b);
      } catch (e) {
        return { status: 400, json: { errorMessages: [(e as Error).message], errors: {} } };
      }
      return { status: 200, json: { ok: true } };
    case 'POST /__sim/churn/start': control.startChurn(Object.keys(b).length ? (b as ChurnOptions) : undefined); return { status: 200, json: { ok: true } };
    case 'POST /__sim/churn/stop': control.stopChurn(); return { status: 200, json: { ok: true } };
    case 'POST /__sim/update': return { status: 200, json: { ids: control.updateIssues(count, { sameInstant: b.sameInstant === true, ids }) } };
    case 'POST /__sim/bulk-edit': return { status: 200, json: { ids: control.bulkEdit(count, typeof b.at === 'number' ? b.at : undefined, { ids }) } };
    case 'POST /__sim/create': return { status: 200, json: { ids: control.createIssues(count) } };
    case 'POST /__sim/delete': return { status: 200, json: { ids: control.deleteIssues(count, { ids }) } };
    case 'POST /__sim/move': {
      const toProject = typeof b.toProject === 'string' ? b.toProject : undefined;
      try {
        return { status: 200, json: { ids: control.moveIssues(count, { ids, toProject }) } };
      } catch (e) {
        return { status: 400, json: { errorMessages: [(e as Error).message], errors: {} } };
      }
    }
    case 'POST /__sim/hide-project':
      try {
        control.hideProject(String(b.key), b.hidden !== false);
        return { status: 200, json: { ok: true } };
      } catch (e) {
        return { status: 400, json: { errorMessages: [(e as Error).message], errors: {} } };
      }
    case 'GET /__sim/links': return { status: 200, json: control.links() };
    case 'POST /__sim/comments/add': return { status: 200, json: { ids: control.addComments(count, { ids }) } };
    case 'POST /__sim/comments/edit': return { status: 200, json: { ids: control.changeComments('edit', count, { ids }) } };
    case 'POST /__sim/comments/delete': return { status: 200, json: { ids: control.changeComments('delete', count, { ids }) } };
    case 'GET /__sim/sprint-membership': return { status: 200, json: control.sprintMembership() };
    case 'POST /__sim/link':
    case 'POST /__sim/unlink':
    case 'POST /__sim/move-to-sprint':
    case 'POST /__sim/catalog/create':
    case 'POST /__sim/catalog/update':
    case 'POST /__sim/catalog/delete':
      try {
        return { status: 200, json: changeOverHttp(control, route, b) };
      } catch (e) {
        return { status: 400, json: { errorMessages: [(e as Error).message], errors: {} } };
      }
    case 'GET /__sim/requests': {
      const unrouted = control.unrouted();
      return { status: 200, json: { counts: control.requestCounts(), unrouted, total: Object.values(control.requestCounts()).reduce((a, n) => a + n, 0) } };
    }
    case 'POST /__sim/requests/reset': control.resetRequestLog(); return { status: 200, json: { ok: true } };
  }
  return { status: 404, json: { errorMessages: [`No simulator control route ${route}.`], errors: {} } };
}

/** The changes beyond issues over HTTP: links, sprint moves, catalog entities. Throws on a bad body. */
function changeOverHttp(control: SimulatorControl, route: string, b: Record<string, unknown>): unknown {
  const kind = b.kind as CatalogKind;
  const needKind = () => {
    if (!CATALOG_KINDS.includes(kind)) throw new Error(`kind must be one of ${CATALOG_KINDS.join(', ')}.`);
  };
  const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  switch (route) {
    case 'POST /__sim/link': return { id: control.linkIssues(String(b.from), String(b.to), { typeId: typeof b.typeId === 'string' ? b.typeId : undefined }) };
    case 'POST /__sim/unlink': control.unlinkIssues(String(b.id)); return { ok: true };
    case 'POST /__sim/move-to-sprint': return { ids: control.moveToSprint(Array.isArray(b.ids) ? b.ids.map(String) : [], typeof b.sprintId === 'number' ? b.sprintId : null) };
    case 'POST /__sim/catalog/create': needKind(); return { id: control.createEntity(kind, obj(b.fields)) };
    case 'POST /__sim/catalog/update': needKind(); control.updateEntity(kind, String(b.id), obj(b.patch)); return { ok: true };
    default: needKind(); control.deleteEntity(kind, String(b.id)); return { ok: true };
  }
}
