// Evaluates a compiled query against the search index and keeps the sorted result, cached per
// (query, index generation), so paging a big result does not re-sort it for every page.
import type { IssueStore, MutableColumns } from './issue-store.js';
import type { CompiledJql, SortSpec } from './jql.js';

export interface ResultSet {
  rows: Uint32Array;
  /** Sort values per sort field, aligned with rows. */
  keys: Float64Array[];
  sort: SortSpec[];
}

export function sortValue(store: IssueStore, view: MutableColumns, field: string, idx: number): number {
  switch (field) {
    case 'updated': return view.updated[idx]!;
    case 'created': return store.created[idx]!;
    case 'key': return store.catalog.projectRank[store.project[idx]!]! * 4294967296 + store.num[idx]!;
    case 'project': return store.catalog.projectRank[store.project[idx]!]!;
    case 'status': return view.status[idx]!;
    case 'priority': return view.priority[idx]!;
    case 'issuetype': return view.issuetype[idx]!;
    default: return idx; // id
  }
}

/** Compare a row's sort tuple against another; ties break on id ascending, making the order total. */
export function compareTuples(sort: SortSpec[], a: ArrayLike<number>, aIdx: number, b: ArrayLike<number>, bIdx: number): number {
  for (let k = 0; k < sort.length; k++) {
    const d = a[k]! - b[k]!;
    if (d !== 0) return sort[k]!.desc ? -d : d;
  }
  return aIdx - bIdx;
}

export function evaluate(store: IssueStore, q: CompiledJql, visible: boolean): ResultSet {
  const view = store.indexed;
  const where = q.where;
  let rows = new Uint32Array(visible ? Math.max(16, store.count) : 0);
  let n = 0;
  if (visible) {
    const exists = view.exists;
    for (let i = 0; i < store.count; i++) {
      if (exists[i] && (where === null || where(view, i))) rows[n++] = i;
    }
  }
  rows = rows.slice(0, n);
  const sort = q.sort;
  const cols = sort.map((s) => {
    const col = new Float64Array(store.count);
    for (let j = 0; j < n; j++) col[rows[j]!] = sortValue(store, view, s.field, rows[j]!);
    return col;
  });
  const dir = sort.map((s) => (s.desc ? -1 : 1));
  const order = Array.from(rows);
  order.sort((a, b) => {
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!;
      const d = c[a]! - c[b]!;
      if (d !== 0) return d * dir[k]!;
    }
    return a - b;
  });
  const sorted = Uint32Array.from(order);
  const keys = cols.map((c) => {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = c[sorted[j]!]!;
    return out;
  });
  return { rows: sorted, keys, sort };
}

/** Position of the first row strictly after the given sort tuple (keyset continuation). */
export function positionAfter(rs: ResultSet, tuple: number[], idx: number): number {
  let lo = 0;
  let hi = rs.rows.length;
  const row: number[] = new Array(rs.sort.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    for (let k = 0; k < rs.keys.length; k++) row[k] = rs.keys[k]![mid]!;
    if (compareTuples(rs.sort, row, rs.rows[mid]!, tuple, idx) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The result after a few index changes, without re-sorting everything: drop the changed rows, then
 * merge the ones that (still) match, sorted, back in. Linear in the result size.
 */
export function patch(store: IssueStore, q: CompiledJql, rs: ResultSet, changed: number[], view: MutableColumns = store.indexed): ResultSet {
  const sort = rs.sort;
  const touched = new Set(changed);
  const add = [...touched].filter((i) => view.exists[i] && (q.where === null || q.where(view, i)));
  const addKeys = add.map((i) => sort.map((s) => sortValue(store, view, s.field, i)));
  const order = add.map((_x, j) => j).sort((a, b) => compareTuples(sort, addKeys[a]!, add[a]!, addKeys[b]!, add[b]!));
  const n = rs.rows.length;
  const rows = new Uint32Array(n + add.length);
  const keys = sort.map(() => new Float64Array(n + add.length));
  // Insertion points in the old result (found by binary search; the old rows around them are in order).
  const at = order.map((k) => positionAfter(rs, addKeys[k]!, add[k]!));
  const mark = new Uint8Array(store.count);
  for (const i of touched) mark[i] = 1;
  const nk = sort.length;
  let out = 0;
  let j = 0;
  for (let i = 0; i <= n; i++) {
    while (j < order.length && at[j] === i) {
      const k = order[j++]!;
      rows[out] = add[k]!;
      for (let f = 0; f < nk; f++) keys[f]![out] = addKeys[k]![f]!;
      out++;
    }
    if (i === n) break;
    const idx = rs.rows[i]!;
    if (mark[idx]) continue;
    rows[out] = idx;
    for (let f = 0; f < nk; f++) keys[f]![out] = rs.keys[f]![i]!;
    out++;
  }
  return { rows: rows.slice(0, out), keys: keys.map((k) => k.slice(0, out)), sort };
}

/** A small cache of evaluated results keyed by query text; patched or rebuilt when the index changes. */
export class ResultCache {
  private entries = new Map<string, { gen: number; rs: ResultSet }>();
  get(store: IssueStore, q: CompiledJql, visible: boolean): ResultSet {
    const key = `${visible ? 1 : 0}\u0000${q.text}`;
    // Relative dates (-5d) move with the clock, so such queries are always evaluated afresh.
    if (q.relative) return evaluate(store, q, visible);
    const hit = this.entries.get(key);
    if (hit && hit.gen === store.indexGeneration) return hit.rs;
    const changed = hit ? store.indexChangesSince(hit.gen) : undefined;
    const rs = hit && visible && changed && changed.length < 100_000 ? patch(store, q, hit.rs, changed) : evaluate(store, q, visible);
    this.entries.delete(key);
    this.entries.set(key, { gen: store.indexGeneration, rs });
    while (this.entries.size > 8) this.entries.delete(this.entries.keys().next().value!);
    return rs;
  }
}
