// The simulator's own JQL subset: a tokenizer, a recursive-descent parser and a compiler to a
// predicate over the (lagging) index columns plus a sort specification. Errors carry Jira's wording.
import { ISSUE_TYPES, PRIORITIES, STATUSES } from './catalog.js';
import type { IssueStore, MutableColumns } from './issue-store.js';
import type { ZoneClock } from './time-zone.js';

export class JqlError extends Error {}

export const UNBOUNDED_MESSAGE = 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';

type Tok = { t: 'str' | 'word' | 'op' | 'lp' | 'rp' | 'comma'; v: string; quoted?: boolean };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(') { out.push({ t: 'lp', v: c }); i++; continue; }
    if (c === ')') { out.push({ t: 'rp', v: c }); i++; continue; }
    if (c === ',') { out.push({ t: 'comma', v: c }); i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j++];
      }
      if (j >= src.length) throw new JqlError(`Error in the JQL Query: The quoted string '${s}' has not been completed. (line 1, character ${i + 1})`);
      out.push({ t: 'str', v: s, quoted: true });
      i = j + 1;
      continue;
    }
    const op = /^(>=|<=|!=|!~|=|>|<|~)/.exec(src.slice(i));
    if (op) { out.push({ t: 'op', v: op[1]! }); i += op[1]!.length; continue; }
    const w = /^[A-Za-z0-9_.\-/:@+*\[\]]+/.exec(src.slice(i));
    if (!w) throw new JqlError(`Error in the JQL Query: The character '${c}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}' instead. (line 1, character ${i + 1})`);
    out.push({ t: 'word', v: w[0] });
    i += w[0].length;
  }
  return out;
}

export type Pred = (v: MutableColumns, idx: number) => boolean;
export interface SortSpec { field: string; desc: boolean }
/** Bounds (inclusive, possibly looser than the predicate) that every matching row's indexed `updated` lies in. */
export interface UpdatedRange { lo: number; hi: number }
/**
 * `relative`: the query depends on the clock (-5d, now()), so its result cannot be cached.
 * `updatedRange`: from the `updated` comparisons the top-level conjunction requires, so a search sorted
 * by `updated` can binary-search the range instead of scanning every issue.
 */
export interface CompiledJql { where: Pred | null; sort: SortSpec[]; text: string; relative: boolean; updatedRange: UpdatedRange }

type Node = { p: Pred; r?: UpdatedRange };
const ALL: UpdatedRange = { lo: -Infinity, hi: Infinity };

/** The range a single `updated <op> t` clause implies; undefined when it implies none (!=). */
function rangeOf(op: string, t: number): UpdatedRange | undefined {
  if (op === '>' || op === '>=') return { lo: t, hi: Infinity };
  if (op === '<' || op === '<=') return { lo: -Infinity, hi: t };
  if (op === '=') return { lo: t, hi: t };
  return undefined;
}

interface Value { text: string; quoted: boolean; fn?: string }

export interface JqlContext { store: IssueStore; zone: ZoneClock; now: number; usedNow?: boolean }

const FIELD_ALIASES: Record<string, string> = {
  project: 'project', key: 'key', issuekey: 'key', issue: 'key', id: 'id',
  updated: 'updated', updateddate: 'updated', created: 'created', createddate: 'created',
  issuetype: 'issuetype', type: 'issuetype', status: 'status', priority: 'priority', assignee: 'assignee',
};
export const SORTABLE = new Set(['updated', 'created', 'key', 'id', 'project', 'issuetype', 'status', 'priority']);

/** Without ORDER BY the simulator sorts by key descending (Jira documents no default). */
export const DEFAULT_SORT: SortSpec[] = [{ field: 'key', desc: true }];

const DATE_HELP = "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";

export function parseJql(src: string, ctx: JqlContext): CompiledJql {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isWord = (w: string) => peek()?.t === 'word' && peek()!.v.toLowerCase() === w;
  const fail = (what: string): never => {
    const got = peek();
    throw new JqlError(`Error in the JQL Query: Expecting ${what} but got ${got ? `'${got.v}'` : 'the end of the query'}.`);
  };

  function value(): Value {
    const t = peek();
    if (!t || (t.t !== 'str' && t.t !== 'word')) return fail('either a value, list or function');
    p++;
    if (t.t === 'word' && toks[p]?.t === 'lp') {
      p++;
      while (peek() && peek()!.t !== 'rp') p++;
      if (!peek()) fail("')'");
      p++;
      return { text: t.v, quoted: false, fn: t.v.toLowerCase() };
    }
    return { text: t.v, quoted: t.t === 'str' };
  }

  function clause(): Node {
    const f = peek();
    if (!f || (f.t !== 'word' && f.t !== 'str')) return fail('a field name');
    p++;
    const field = FIELD_ALIASES[f.v.toLowerCase()];
    if (!field) throw new JqlError(`Field '${f.v}' does not exist or you do not have permission to view it.`);
    let op: string;
    if (peek()?.t === 'op') op = toks[p++]!.v;
    else if (isWord('in')) { p++; op = 'in'; }
    else if (isWord('not') && toks[p + 1]?.t === 'word' && toks[p + 1]!.v.toLowerCase() === 'in') { p += 2; op = 'not in'; }
    else if (isWord('is')) {
      p++;
      const neg = isWord('not');
      if (neg) p++;
      if (!isWord('empty') && !isWord('null')) fail("'EMPTY' or 'NULL'");
      p++;
      return { p: compileEmpty(field, neg, ctx) };
    } else return fail("operator");
    if (op === 'in' || op === 'not in') {
      if (peek()?.t !== 'lp') fail("'('");
      p++;
      const vals: Value[] = [value()];
      while (peek()?.t === 'comma') { p++; vals.push(value()); }
      if (peek()?.t !== 'rp') fail("')'");
      p++;
      const preds = vals.map((v) => compileClause(field, '=', v, ctx));
      const any: Pred = (c, i) => preds.some((q) => q(c, i));
      return { p: op === 'in' ? any : (c, i) => !any(c, i) };
    }
    const v = value();
    const pred = compileClause(field, op, v, ctx);
    return { p: pred, r: field === 'updated' ? rangeOf(op, parseDateValue(v, field, ctx)) : undefined };
  }

  function primary(): Node {
    if (isWord('not')) { p++; const q = primary().p; return { p: (c, i) => !q(c, i) }; }
    if (peek()?.t === 'lp') {
      p++;
      const q = orExpr();
      if (peek()?.t !== 'rp') fail("')'");
      p++;
      return q;
    }
    return clause();
  }
  function andExpr(): Node {
    let q = primary();
    while (isWord('and')) {
      p++;
      const a = q.p;
      const bn = primary();
      const b = bn.p;
      const r = q.r && bn.r ? { lo: Math.max(q.r.lo, bn.r.lo), hi: Math.min(q.r.hi, bn.r.hi) } : q.r ?? bn.r;
      q = { p: (c, i) => a(c, i) && b(c, i), r };
    }
    return q;
  }
  function orExpr(): Node {
    let q = andExpr();
    while (isWord('or')) { p++; const a = q.p; const b = andExpr().p; q = { p: (c, i) => a(c, i) || b(c, i) }; }
    return q;
  }

  let where: Pred | null = null;
  let updatedRange = ALL;
  if (peek() && !isWord('order')) {
    const top = orExpr();
    where = top.p;
    updatedRange = top.r ?? ALL;
  }
  let sort: SortSpec[] = [];
  if (isWord('order')) {
    p++;
    if (!isWord('by')) fail("'by'");
    p++;
    do {
      if (sort.length && peek()?.t === 'comma') p++;
      const f = peek();
      if (!f || (f.t !== 'word' && f.t !== 'str')) fail('a field name');
      p++;
      const name = FIELD_ALIASES[f!.v.toLowerCase()];
      if (!name) throw new JqlError(`Field '${f!.v}' does not exist or you do not have permission to view it.`);
      if (!SORTABLE.has(name)) throw new JqlError(`Field '${f!.v}' does not support sorting.`);
      let desc = false;
      if (isWord('asc')) p++;
      else if (isWord('desc')) { p++; desc = true; }
      sort.push({ field: name, desc });
    } while (peek()?.t === 'comma');
    if (sort.length > 7) throw new JqlError('The ORDER BY clause can contain at most 7 fields.');
  }
  if (p < toks.length) fail(where || sort.length ? "'AND', 'OR' or 'ORDER BY'" : 'a field name');
  if (sort.length === 0) sort = DEFAULT_SORT;
  return { where, sort, text: src, relative: ctx.usedNow === true, updatedRange };
}

function compileEmpty(field: string, negate: boolean, _ctx: JqlContext): Pred {
  if (field === 'assignee') return negate ? (c, i) => c.assignee[i]! !== 0 : (c, i) => c.assignee[i]! === 0;
  // Every other supported field always has a value.
  return negate ? () => true : () => false;
}

/** A predicate comparing a number column with a constant, specialized per operator (hot in every scan). */
function numeric(op: string, get: (c: MutableColumns, i: number) => number, b: number): Pred {
  switch (op) {
    case '=': return (c, i) => get(c, i) === b;
    case '!=': return (c, i) => get(c, i) !== b;
    case '>': return (c, i) => get(c, i) > b;
    case '>=': return (c, i) => get(c, i) >= b;
    case '<': return (c, i) => get(c, i) < b;
    case '<=': return (c, i) => get(c, i) <= b;
  }
  throw new JqlError(`The operator '${op}' is not supported by this field.`);
}

function byName<T extends { id: string; name: string }>(list: T[], v: Value, field: string): number {
  const i = list.findIndex((x) => x.id === v.text || x.name.toLowerCase() === v.text.toLowerCase());
  if (i < 0) throw new JqlError(`The value '${v.text}' does not exist for the field '${field}'.`);
  return i;
}

function compileClause(field: string, op: string, v: Value, ctx: JqlContext): Pred {
  const { store } = ctx;
  if (op === '~' || op === '!~') throw new JqlError(`The operator '${op}' is not supported by the '${field}' field.`);
  const eqOnly = (o: string) => {
    if (o !== '=' && o !== '!=') throw new JqlError(`The operator '${o}' is not supported by the '${field}' field.`);
  };
  switch (field) {
    case 'project': {
      eqOnly(op);
      const projects = store.catalog.projects;
      const pi = projects.findIndex((x) => x.key.toLowerCase() === v.text.toLowerCase() || x.id === v.text || x.name.toLowerCase() === v.text.toLowerCase());
      if (pi < 0) throw new JqlError(`The value '${v.text}' does not exist for the field 'project'.`);
      return op === '=' ? (_c, i) => store.project[i] === pi : (_c, i) => store.project[i] !== pi;
    }
    case 'key':
    case 'id': {
      const m = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/.exec(v.text);
      if (m) {
        const pi = store.catalog.projects.findIndex((x) => x.key === m[1]!.toUpperCase());
        if (pi < 0) throw new JqlError(`An issue with key '${v.text}' does not exist for field '${field === 'id' ? 'id' : 'key'}'.`);
        const n = Number(m[2]);
        // Equality finds the issue a key names, also a key it had before it moved; ranges compare
        // current keys within the key's project, by number, as Jira does.
        if (op === '=' || op === '!=') {
          const target = store.resolve(v.text);
          return op === '=' ? (_c, i) => i === target : (_c, i) => i !== target;
        }
        const byNum = numeric(op, (_c, i) => store.num[i]!, n);
        return (c, i) => store.project[i] === pi && byNum(c, i);
      }
      if (/^\d+$/.test(v.text)) {
        const idx = Number(v.text) - 10000;
        return numeric(op, (_c, i) => i, idx);
      }
      throw new JqlError(`The issue key '${v.text}' for field '${field}' is invalid.`);
    }
    case 'updated':
    case 'created': {
      const t = parseDateValue(v, field, ctx);
      return field === 'created' ? numeric(op, (_c, i) => store.created[i]!, t) : numeric(op, (c, i) => c.updated[i]!, t);
    }
    case 'issuetype': { eqOnly(op); const k = byName(ISSUE_TYPES, v, 'issuetype'); return op === '=' ? (c, i) => c.issuetype[i] === k : (c, i) => c.issuetype[i] !== k; }
    case 'status': { eqOnly(op); const k = byName(STATUSES, v, 'status'); return op === '=' ? (c, i) => c.status[i] === k : (c, i) => c.status[i] !== k; }
    case 'priority': { eqOnly(op); const k = byName(PRIORITIES, v, 'priority'); return op === '=' ? (c, i) => c.priority[i] === k : (c, i) => c.priority[i] !== k; }
    case 'assignee': {
      eqOnly(op);
      // currentUser() is the demo user, who is never an assignee in the generated data.
      const want = v.fn === 'currentuser' ? -1 : store.catalog.users.findIndex((x) => x.accountId === v.text || x.emailAddress === v.text || x.displayName === v.text);
      if (want < 0 && v.fn !== 'currentuser') throw new JqlError(`The value '${v.text}' does not exist for the field 'assignee'.`);
      return op === '=' ? (c, i) => c.assignee[i] === want : (c, i) => c.assignee[i] !== want;
    }
  }
  throw new JqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
}

const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };

/** A JQL date value as epoch ms: integer = epoch ms, literal dates in the user's zone, periods relative to now. */
export function parseDateValue(v: Value, field: string, ctx: JqlContext): number {
  if (v.fn) {
    if (v.fn === 'now') {
      ctx.usedNow = true;
      return ctx.now;
    }
    throw new JqlError(`Unable to find JQL function '${v.text}()'.`);
  }
  const s = v.text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  let m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(s);
  if (m && (s.includes('/') ? !s.slice(0, 10).includes('-') : true)) {
    const [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)];
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60) return ctx.zone.fromLocal(y, mo, d, h, mi);
  }
  m = /^([-+]?)((?:\d+[wdhm]?\s*)+)$/.exec(s);
  if (m && /^[-+]/.test(s)) {
    let total = 0;
    for (const part of m[2]!.trim().split(/\s+/)) {
      const pm = /^(\d+)([wdhm]?)$/.exec(part);
      if (!pm) throw new JqlError(`Date value '${v.text}' for field '${field}' is invalid. ${DATE_HELP}`);
      total += Number(pm[1]) * UNIT_MS[pm[2] || 'm']!;
    }
    ctx.usedNow = true;
    return ctx.now + (m[1] === '-' ? -total : total);
  }
  if (/^\d+[wdhm](\s+\d+[wdhm])*$/.test(s)) {
    let total = 0;
    for (const part of s.split(/\s+/)) total += Number(part.slice(0, -1)) * UNIT_MS[part.slice(-1)]!;
    ctx.usedNow = true;
    return ctx.now + total;
  }
  throw new JqlError(`Date value '${v.text}' for field '${field}' is invalid. ${DATE_HELP}`);
}
