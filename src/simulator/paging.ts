// The simulator's list paging, written once for every list endpoint (apart from the connector's own
// paging code): the page shapes Jira uses and the silent maxResults caps, plus listPageCap, a further
// silent cap a test can set to page everything one item at a time.
import type { SimContext } from './context.js';
import { intParam, pageBean, type SimReply, type SimRequest } from './http-io.js';

export interface ListPaging {
  /** `pageBean`: platform PageBean (self, nextPage); `agile`: agile page (no self); `array`: a bare array */
  shape: 'pageBean' | 'agile' | 'array';
  /** maxResults when none is asked for */
  defaultMax: number;
  /** Jira's own silent cap on maxResults */
  cap: number;
}

export const AGILE: ListPaging = { shape: 'agile', defaultMax: 50, cap: 50 };

/** The page of `all` that startAt/maxResults ask for, in the endpoint's shape. */
export function listPage(ctx: SimContext, req: SimRequest, all: unknown[], p: ListPaging): SimReply {
  const startAt = Math.max(0, intParam(req.query, 'startAt', 0));
  const extra = ctx.settings.listPageCap > 0 ? ctx.settings.listPageCap : Infinity;
  const maxResults = Math.max(p.shape === 'array' ? 0 : 1, Math.min(p.cap, extra, intParam(req.query, 'maxResults', p.defaultMax)));
  const values = all.slice(startAt, startAt + maxResults);
  if (p.shape === 'array') return { status: 200, json: values };
  if (p.shape === 'agile') return { status: 200, json: { maxResults, startAt, total: all.length, isLast: startAt + values.length >= all.length, values } };
  const self = new URL(req.path, ctx.baseUrl);
  for (const [k, v] of req.query) self.searchParams.set(k, v);
  self.searchParams.set('startAt', String(startAt));
  self.searchParams.set('maxResults', String(maxResults));
  return { status: 200, json: pageBean(self.toString(), startAt, maxResults, all.length, values) };
}

/** `n` under listPageCap when a test set one (for the lists inside other answers: embedded comments, changelogs). */
export function underListCap(ctx: SimContext, n: number): number {
  return ctx.settings.listPageCap > 0 ? Math.min(n, ctx.settings.listPageCap) : n;
}
