// The audit log, as far as deletions of issues go: GET /rest/api/{v}/auditing/record with Jira's
// parameters (offset, limit <= 1000, filter words, from/to), newest first, one ISSUE_DELETE record per
// issue deleted at run time. Only an administrator may read it (setting `admin`); others get 403.
import type { SimContext } from './context.js';
import { badRequest, HttpError, intParam, type SimReply, type SimRequest } from './http-io.js';

const SUMMARY = 'Issue deleted';
const CATEGORY = 'issue management';

function instant(req: SimRequest, name: string): number | undefined {
  const v = req.query.get(name);
  if (v === null || v === '') return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw badRequest(`The '${name}' parameter must be a date-time, got '${v}'.`);
  return t;
}

export function auditRecords(ctx: SimContext, req: SimRequest): SimReply {
  if (req.principal !== 'user') throw new HttpError(401, 'You are not authenticated. Authentication required to perform this operation.');
  if (!ctx.settings.admin) throw new HttpError(403, 'You do not have permission to view the audit log: it needs the Administer Jira global permission.');
  const offset = Math.max(0, intParam(req.query, 'offset', 0));
  const cap = ctx.settings.listPageCap;
  const limit = Math.min(1000, cap > 0 ? cap : 1000, Math.max(1, intParam(req.query, 'limit', 1000)));
  const from = instant(req, 'from');
  const to = instant(req, 'to');
  const words = (req.query.get('filter') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const store = ctx.store;
  const matching = store.deletions
    .map((d, n) => ({ ...d, n }))
    .filter((d) => (from === undefined || d.at >= from) && (to === undefined || d.at <= to))
    .filter((d) => words.every((w) => `${SUMMARY} ${CATEGORY} ${d.key}`.toLowerCase().includes(w)))
    .reverse(); // newest first
  const records = matching.slice(offset, offset + limit).map((d) => {
    const p = ctx.catalog.projects[store.project[d.idx]!]!;
    return {
      id: 90_000 + d.n,
      summary: SUMMARY,
      remoteAddress: '10.0.0.1',
      authorKey: 'admin',
      created: ctx.zone.format(d.at),
      category: CATEGORY,
      eventSource: '',
      objectItem: { id: store.idOf(d.idx), name: d.key, typeName: 'ISSUE_DELETE', parentId: p.id, parentName: p.name },
      changedValues: [],
      associatedItems: [{ id: p.id, name: p.name, typeName: 'PROJECT' }],
    };
  });
  return { status: 200, json: { offset, limit, total: matching.length, records } };
}
