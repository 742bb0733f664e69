// Search endpoints: Cloud /search/jql (token paging), approximate-count, DC /search (offset paging),
// and issue/bulkfetch (current data, not the lagging index).
import { fieldsWith } from './catalog.js';
import type { SimContext } from './context.js';
import { badRequest, fromBody, HttpError, intParam, listParam, SimReply, SimRequest, stringList, withIssues } from './http-io.js';
import { CompiledJql, JqlError, parseJql, UNBOUNDED_MESSAGE } from './jql.js';
import { decodeToken, encodeToken, queryHash } from './page-token.js';
import { parseFields, renderOptions } from './render.js';
import { underListCap } from './paging.js';
import { canSeek, patch, positionAfter, seekFirst, selectFirst } from './result-set.js';
import { endlessEmptyPage, omitSome } from './lies.js';

function compile(ctx: SimContext, jql: string): CompiledJql {
  try {
    return parseJql(jql, ctx.jqlContext());
  } catch (e) {
    if (e instanceof JqlError) throw badRequest(e.message);
    throw e;
  }
}

const SEARCH_KEYS = new Set(['jql', 'nextPageToken', 'maxResults', 'fields', 'expand', 'properties', 'fieldsByKeys', 'failFast', 'reconcileIssues']);

interface SearchParams { jql: string; token?: string; maxResults: number; fields?: string[]; expand: string[]; reconcile: string[] }

function searchParams(req: SimRequest): SearchParams {
  if (req.method === 'GET') {
    return {
      jql: req.query.get('jql') ?? '',
      token: req.query.get('nextPageToken') ?? undefined,
      maxResults: intParam(req.query, 'maxResults', 50),
      fields: listParam(req.query, 'fields'),
      expand: listParam(req.query, 'expand') ?? [],
      reconcile: listParam(req.query, 'reconcileIssues') ?? [],
    };
  }
  const b = fromBody(req, SEARCH_KEYS, 'SearchAndReconcileRequestBean');
  if (b.reconcileIssues !== undefined && b.reconcileIssues !== null && !(Array.isArray(b.reconcileIssues) && b.reconcileIssues.every((x) => Number.isInteger(x)))) {
    throw badRequest('Cannot deserialize value of "reconcileIssues": expected a list of issue ids.');
  }
  if (b.jql !== undefined && b.jql !== null && typeof b.jql !== 'string') throw badRequest('Cannot deserialize value of "jql": expected a string.');
  if (b.nextPageToken !== undefined && b.nextPageToken !== null && typeof b.nextPageToken !== 'string') throw badRequest('Cannot deserialize value of "nextPageToken": expected a string.');
  if (b.maxResults !== undefined && b.maxResults !== null && !Number.isInteger(b.maxResults)) throw badRequest('Cannot deserialize value of "maxResults": expected an integer.');
  if (b.expand !== undefined && b.expand !== null && typeof b.expand !== 'string') throw badRequest('Cannot deserialize value of "expand": expected a string.');
  return {
    jql: (b.jql as string | undefined) ?? '',
    token: (b.nextPageToken as string | undefined) ?? undefined,
    maxResults: (b.maxResults as number | undefined) ?? 50,
    fields: stringList(b.fields, 'fields'),
    expand: ((b.expand as string | undefined) ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    reconcile: ((b.reconcileIssues as number[] | undefined) ?? []).map(String),
  };
}


export function searchJql(ctx: SimContext, req: SimRequest): SimReply {
  const p = searchParams(req);
  const lies = ctx.settings.lies;
  if (lies?.emptyPages) return { status: 200, json: endlessEmptyPage() };
  const sel = parseFields(p.fields, 'id', fieldsWith(ctx.settings.extraCustomFields));
  const hash = queryHash(p.jql, sel.key);
  const now = ctx.clock();
  // Jira's measured precedence: token, then maxResults range, then unbounded JQL.
  const token = p.token ? decodeToken(p.token, hash, now, ctx.settings.tokenTtlMs) : undefined;
  if (p.maxResults < 1 || p.maxResults > 5000) throw badRequest('The max results parameter has to be between 1 and 5,000.');
  if (p.reconcile.length > 50) throw badRequest('reconcileIssues can hold at most 50 issue ids.');
  const q = compile(ctx, p.jql);
  if (!q.where) throw badRequest(UNBOUNDED_MESSAGE);
  const store = ctx.store;
  store.syncIndex(now);
  const visible = req.principal === 'user';
  // reconcileIssues: these issues are matched and rendered as they are now, not as the index has them.
  const fresh = new Set(visible ? p.reconcile.map((x) => store.resolve(x)).filter((i) => i >= 0) : []);
  const heavy = sel.heavy || p.expand.length > 0;
  // Heavy pages are capped at fieldsPageCap, pages with a few fields besides id/key at fieldPageCap; Jira promises 5000 only for id/key pages.
  const size = Math.min(p.maxResults, heavy ? ctx.settings.fieldsPageCap : sel.ids.length > 0 ? ctx.settings.fieldPageCap : 5000);
  // A query sorted by `updated` (the connector's seek walk asks a fresh one per page) is read from the
  // index's updated order: no full scan, no cache. Offset tokens go through the cached full result.
  const seek = !fresh.size && canSeek(q) && token?.m !== 'offset';
  let rs = fresh.size ? patch(store, q, ctx.results.get(store, q, visible), [...fresh], store.live) : seek ? undefined : ctx.results.lookup(store, q, visible);
  let start = 0;
  let end: number;
  let isLast: boolean;
  if (seek) {
    const after = token?.m === 'keyset' ? { tuple: token.k!, idx: token.i! } : undefined;
    const picked = seekFirst(store, q, visible, size, after);
    rs = picked.rs;
    end = rs.rows.length;
    isLast = !picked.more;
  } else if (rs) {
    if (token?.m === 'offset') start = token.p!;
    else if (token?.m === 'keyset') start = positionAfter(rs, token.k!, token.i!);
    end = Math.min(rs.rows.length, start + size);
    isLast = end >= rs.rows.length;
  } else {
    // First time this query is asked: select just the rows needed instead of sorting all matches.
    const offset = token?.m === 'offset' ? Math.min(token.p!, store.count) : 0;
    const after = token?.m === 'keyset' ? { tuple: token.k!, idx: token.i! } : undefined;
    const sel1 = selectFirst(store, q, visible, offset + size, after);
    rs = sel1.rs;
    start = Math.min(offset, rs.rows.length);
    end = rs.rows.length;
    isLast = sel1.total <= offset + size;
  }
  rs = rs!;
  const r = ctx.renderer(req.api);
  const opt = renderOptions(req.api, p.expand, 20, 20);
  const issues: string[] = [];
  for (let j = start; j < end; j++) {
    const idx = rs.rows[j]!;
    issues.push(r.issue(fresh.has(idx) || lies?.liveUpdated ? store.live : store.indexed, idx, sel, opt));
  }
  if (lies?.reversePages) issues.reverse();
  const out: Record<string, unknown> = { issues: null };
  if (!isLast && !lies?.dropNextPageToken) {
    const mode = ctx.settings.tokenSemantics;
    out.nextPageToken = encodeToken(
      mode === 'offset'
        ? { q: hash, t: now, m: 'offset', p: end }
        : { q: hash, t: now, m: 'keyset', k: rs.keys.map((col) => col[end - 1]!), i: rs.rows[end - 1]! },
    );
  }
  out.isLast = isLast;
  return { status: 200, raw: withIssues(out, issues), issueCount: issues.length };
}

export function approximateCount(ctx: SimContext, req: SimRequest): SimReply {
  const b = fromBody(req, new Set(['jql']), 'JQLCountRequestBean');
  const jql = typeof b.jql === 'string' ? b.jql : '';
  const q = compile(ctx, jql);
  if (!q.where) throw badRequest(UNBOUNDED_MESSAGE);
  ctx.store.syncIndex(ctx.clock());
  // Counting needs no order: one scan.
  return { status: 200, json: { count: selectFirst(ctx.store, q, req.principal === 'user', 0).total } };
}

const DC_KEYS = new Set(['jql', 'startAt', 'maxResults', 'fields', 'expand', 'validateQuery', 'properties', 'fieldsByKeys']);

/** Data Center offset search: silent maxResults cap, total, and a 500 past the result window. */
export function searchDc(ctx: SimContext, req: SimRequest): SimReply {
  let jql: string, startAt: number, maxResults: number, fields: string[] | undefined, expand: string[];
  if (req.method === 'GET') {
    jql = req.query.get('jql') ?? '';
    startAt = intParam(req.query, 'startAt', 0);
    maxResults = intParam(req.query, 'maxResults', 50);
    fields = listParam(req.query, 'fields');
    expand = listParam(req.query, 'expand') ?? [];
  } else {
    const b = fromBody(req, DC_KEYS, 'SearchRequestBean');
    jql = typeof b.jql === 'string' ? b.jql : '';
    startAt = Number.isInteger(b.startAt) ? (b.startAt as number) : 0;
    maxResults = Number.isInteger(b.maxResults) ? (b.maxResults as number) : 50;
    fields = stringList(b.fields, 'fields');
    expand = stringList(b.expand, 'expand') ?? [];
  }
  if (startAt < 0) throw badRequest("The value of 'startAt' must not be negative.");
  const size = Math.max(0, Math.min(maxResults < 0 ? 50 : maxResults, ctx.settings.dcMaxResults));
  const q = compile(ctx, jql);
  const now = ctx.clock();
  ctx.store.syncIndex(now);
  const visible = req.principal === 'user';
  // A query asked once is answered by selecting its first rows; asked again (paging), it is sorted and cached.
  const cached = ctx.results.lookup(ctx.store, q, visible);
  // Selecting one row past the window is enough to know the page would cross it.
  const picked = cached ? { rs: cached, total: cached.rows.length } : selectFirst(ctx.store, q, visible, Math.min(startAt + size, ctx.settings.dcResultWindow + 1));
  const rs = picked.rs;
  const end = Math.min(rs.rows.length, startAt + size);
  if (end > ctx.settings.dcResultWindow) {
    throw new HttpError(500, `Search limit exceeded. The search request with startAt=${startAt} and maxResults=${size} exceeded the search platform limit of ${ctx.settings.dcResultWindow.toLocaleString('en-US')}. Narrow the query or page with a date or key range.`);
  }
  const sel = parseFields(fields, '*navigable', fieldsWith(ctx.settings.extraCustomFields));
  const r = ctx.renderer('2');
  // Data Center's expanded changelog is whole (Cloud cuts it to the newest 40 or 100); its
  // embedded comments are cut at 20 here, so the connector's overflow path runs on both.
  const opt = renderOptions('2', expand, underListCap(ctx, 20), underListCap(ctx, Infinity));
  const issues: string[] = [];
  const lies = ctx.settings.lies;
  for (let j = startAt; j < end; j++) issues.push(r.issue(lies?.liveUpdated ? ctx.store.live : ctx.store.indexed, rs.rows[j]!, { ...sel, idOnly: false }, opt));
  if (lies?.reversePages) issues.reverse();
  return { status: 200, raw: withIssues({ expand: 'schema,names', startAt, maxResults: size, total: picked.total }, issues), issueCount: issues.length };
}

const BULK_KEYS = new Set(['issueIdsOrKeys', 'fields', 'expand', 'properties', 'fieldsByKeys']);

export function bulkFetch(ctx: SimContext, req: SimRequest): SimReply {
  const b = fromBody(req, BULK_KEYS, 'BulkFetchIssueRequestBean');
  const ids = b.issueIdsOrKeys;
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100) {
    throw badRequest('The number of issues requested must be between 1 and 100 (issueIdsOrKeys).');
  }
  const sel = parseFields(stringList(b.fields, 'fields'), '*navigable', fieldsWith(ctx.settings.extraCustomFields));
  const expand = stringList(b.expand, 'expand') ?? [];
  const store = ctx.store;
  const slots = new Set<number>();
  if (req.principal === 'user') {
    for (const x of ids) {
      const idx = store.resolve(x as string);
      if (store.isLive(idx)) slots.add(idx);
    }
  }
  const lies = ctx.settings.lies;
  if (lies?.bulkfetchExtra) {
    // an issue nobody asked for: the first live one after the highest asked
    for (let idx = Math.max(-1, ...slots) + 1; idx < store.count; idx++) {
      if (store.isLive(idx) && !slots.has(idx)) {
        slots.add(idx);
        break;
      }
    }
  }
  const r = ctx.renderer(req.api);
  const opt = renderOptions(req.api, expand, underListCap(ctx, 20), 40);
  const answered = omitSome([...slots].sort((a, c) => a - c), lies, ctx.lieRandom);
  const issues = answered.map((idx) => r.issue(store.live, idx, { ...sel, idOnly: false }, opt));
  return { status: 200, raw: withIssues({ issues: null, issueErrors: [] }, issues), issueCount: issues.length };
}
