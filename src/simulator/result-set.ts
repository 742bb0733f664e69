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

/** A getter of one sort field's value, resolved once per query rather than per row. */
export function sortGetter(store: IssueStore, view: MutableColumns, field: string): (idx: number) => number {
  const rank = store.catalog.projectRank;
  switch (field) {
    case 'updated': return (i) => view.updated[i]!;
    case 'created': return (i) => store.created[i]!;
    case 'key': return (i) => rank[store.project[i]!]! * 4294967296 + store.num[i]!;
    case 'project': return (i) => rank[store.project[i]!]!;
    case 'status': return (i) => view.status[i]!;
    case 'priority': return (i) => view.priority[i]!;
    case 'issuetype': return (i) => view.issuetype[i]!;
    default: return (i) => i; // id
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
    const get = sortGetter(store, view, s.field);
    for (let j = 0; j < n; j++) col[rows[j]!] = get(rows[j]!);
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
  const get = sort.map((f) => sortGetter(store, view, f.field));
  const addKeys = add.map((i) => get.map((g) => g(i)));
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

/** The first `k` rows of a query (after a keyset position, if given) and how many rows match in all. */
export interface Selection { rs: ResultSet; total: number }

/**
 * The first `k` rows in sort order without sorting the whole result: one scan keeping the best `k`
 * in a max-heap. A fresh query per page (the seek walk) then costs one scan, not a full sort.
 */
export function selectFirst(store: IssueStore, q: CompiledJql, visible: boolean, k: number, after?: { tuple: number[]; idx: number }): Selection {
  const view = store.indexed;
  const sort = q.sort;
  const nk = sort.length;
  const hIdx = new Uint32Array(Math.max(1, k));
  const hKey = new Float64Array(Math.max(1, k) * nk);
  const cand = new Float64Array(nk);
  const slot = new Float64Array(nk);
  let size = 0;
  let total = 0;
  // Heap order: the worst (latest in sort order) row on top.
  const later = (a: number, b: number): boolean => {
    for (let f = 0; f < nk; f++) {
      const d = hKey[a * nk + f]! - hKey[b * nk + f]!;
      if (d !== 0) return (sort[f]!.desc ? -d : d) > 0;
    }
    return hIdx[a]! > hIdx[b]!;
  };
  const swap = (a: number, b: number) => {
    const t = hIdx[a]!; hIdx[a] = hIdx[b]!; hIdx[b] = t;
    for (let f = 0; f < nk; f++) { const x = hKey[a * nk + f]!; hKey[a * nk + f] = hKey[b * nk + f]!; hKey[b * nk + f] = x; }
  };
  const where = q.where;
  const exists = view.exists;
  const get = sort.map((f) => sortGetter(store, view, f.field));
  const get0 = get[0]!;
  const dir0 = sort[0]!.desc ? -1 : 1;
  for (let i = 0; visible && i < store.count; i++) {
    if (!exists[i] || (where !== null && !where(view, i))) continue;
    const v0 = get0(i);
    // Cheap rejections on the first sort key before computing the whole tuple.
    if (after && (v0 - after.tuple[0]!) * dir0 < 0) continue;
    if (size === k && k > 0 && (v0 - hKey[0]!) * dir0 > 0) {
      total++;
      continue;
    }
    cand[0] = v0;
    for (let f = 1; f < nk; f++) cand[f] = get[f]!(i);
    if (after && compareTuples(sort, cand, i, after.tuple, after.idx) <= 0) continue;
    total++;
    if (k === 0) continue;
    if (size < k) {
      let c = size++;
      hIdx[c] = i;
      hKey.set(cand, c * nk);
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!later(c, parent)) break;
        swap(c, parent);
        c = parent;
      }
      continue;
    }
    for (let f = 0; f < nk; f++) slot[f] = hKey[f]!;
    if (compareTuples(sort, cand, i, slot, hIdx[0]!) >= 0) continue;
    hIdx[0] = i;
    hKey.set(cand, 0);
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      const r = l + 1;
      let m = c;
      if (l < size && later(l, m)) m = l;
      if (r < size && later(r, m)) m = r;
      if (m === c) break;
      swap(c, m);
      c = m;
    }
  }
  const order = Array.from({ length: size }, (_x, j) => j).sort((a, b) => (later(a, b) ? 1 : later(b, a) ? -1 : 0));
  const rows = Uint32Array.from(order, (j) => hIdx[j]!);
  const keys = sort.map((_s, f) => Float64Array.from(order, (j) => hKey[j * nk + f]!));
  return { rs: { rows, keys, sort }, total };
}

/** Whether `seekFirst` can answer this query: its sort starts with `updated`. */
export function canSeek(q: CompiledJql): boolean {
  return q.sort[0]?.field === 'updated';
}

/**
 * The first `k` rows of a query sorted by `updated` (after a keyset position, if given), read from the
 * index's (updated, slot) order within the query's `updated` range: O(rows read + log n), where
 * `selectFirst` scans every issue. Rows sharing one `updated` instant are gathered and ordered by the
 * rest of the sort; `more` says whether any row follows the first `k` (one row of lookahead).
 */
export function seekFirst(store: IssueStore, q: CompiledJql, visible: boolean, k: number, after?: { tuple: number[]; idx: number }): { rs: ResultSet; more: boolean } {
  const sort = q.sort;
  const nk = sort.length;
  const desc = sort[0]!.desc;
  const view = store.indexed;
  const where = q.where;
  const exists = view.exists;
  const get = sort.map((f) => sortGetter(store, view, f.field));
  let { lo, hi } = q.updatedRange;
  if (after) {
    if (desc) hi = Math.min(hi, after.tuple[0]!);
    else lo = Math.max(lo, after.tuple[0]!);
  }
  const rows: number[] = [];
  const flat: number[] = []; // the sort tuple of each row, nk values a row
  const group: number[] = [];
  let groupKey = NaN;
  const flush = () => {
    const g = group.length;
    if (g === 0) return;
    if (g === 1 && (!after || groupKey !== after.tuple[0])) {
      // Most instants hold one row: no tuple arrays, no sort (the first sort value is the instant).
      const i = group[0]!;
      rows.push(i);
      flat.push(groupKey);
      for (let f = 1; f < nk; f++) flat.push(get[f]!(i));
    } else {
      const gt = group.map((i) => get.map((fn) => fn(i)));
      const order = group.map((_x, j) => j).filter((j) => !after || compareTuples(sort, gt[j]!, group[j]!, after.tuple, after.idx) > 0);
      if (order.length > 1) order.sort((x, y) => compareTuples(sort, gt[x]!, group[x]!, gt[y]!, group[y]!));
      for (const j of order) { rows.push(group[j]!); flat.push(...gt[j]!); }
    }
    group.length = 0;
  };
  if (visible && lo <= hi) {
    store.scanByUpdated(lo, hi, desc, (idx, key) => {
      if (key !== groupKey) {
        flush();
        if (rows.length > k) return false;
        groupKey = key;
      }
      if (exists[idx] && (where === null || where(view, idx))) group.push(idx);
      return true;
    });
    flush();
  }
  const n = Math.min(k, rows.length);
  return {
    rs: { rows: Uint32Array.from(rows.slice(0, n)), keys: sort.map((_s, f) => Float64Array.from({ length: n }, (_x, r) => flat[r * nk + f]!)), sort },
    more: rows.length > k,
  };
}

/**
 * A small cache of evaluated results keyed by query text; patched or rebuilt when the index changes.
 * `lookup` only sorts and caches a query the second time it is asked for (a walk with page tokens);
 * a query asked once (a fresh seek query per page) is answered by `selectFirst` instead.
 */
export class ResultCache {
  private entries = new Map<string, { gen: number; rs: ResultSet }>();
  private asked = new Map<string, number>();

  private cacheKey(q: CompiledJql, visible: boolean): string {
    return `${visible ? 1 : 0}\u0000${q.text}`;
  }

  /** The full sorted result, from the cache (patched if the index moved on) or evaluated now. */
  get(store: IssueStore, q: CompiledJql, visible: boolean): ResultSet {
    // Relative dates (-5d) move with the clock, so such queries are always evaluated afresh.
    if (q.relative) return evaluate(store, q, visible);
    const key = this.cacheKey(q, visible);
    const hit = this.entries.get(key);
    if (hit && hit.gen === store.indexGeneration) return hit.rs;
    const changed = hit ? store.indexChangesSince(hit.gen) : undefined;
    const rs = hit && visible && changed && changed.length < 100_000 ? patch(store, q, hit.rs, changed) : evaluate(store, q, visible);
    this.entries.delete(key);
    this.entries.set(key, { gen: store.indexGeneration, rs });
    while (this.entries.size > 8) this.entries.delete(this.entries.keys().next().value!);
    return rs;
  }

  /** The full result if this query is cached or asked for before; undefined the first time. */
  lookup(store: IssueStore, q: CompiledJql, visible: boolean): ResultSet | undefined {
    if (q.relative) return undefined;
    const key = this.cacheKey(q, visible);
    if (this.entries.has(key)) return this.get(store, q, visible);
    const n = (this.asked.get(key) ?? 0) + 1;
    this.asked.delete(key);
    this.asked.set(key, n);
    while (this.asked.size > 256) this.asked.delete(this.asked.keys().next().value!);
    return n >= 2 ? this.get(store, q, visible) : undefined;
  }
}
