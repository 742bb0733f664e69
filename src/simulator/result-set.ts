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

/** A small cache of evaluated results keyed by query text; invalid once the index changes. */
export class ResultCache {
  private entries = new Map<string, { gen: number; rs: ResultSet }>();
  get(store: IssueStore, q: CompiledJql, visible: boolean): ResultSet {
    const key = `${visible ? 1 : 0}\u0000${q.text}`;
    const hit = this.entries.get(key);
    if (hit && hit.gen === store.indexGeneration) return hit.rs;
    const rs = evaluate(store, q, visible);
    this.entries.delete(key);
    this.entries.set(key, { gen: store.indexGeneration, rs });
    while (this.entries.size > 8) this.entries.delete(this.entries.keys().next().value!);
    return rs;
  }
}
