// The search index's issues ordered by (indexed `updated`, slot), so a query sorted by `updated` with
// an `updated` range reads one page in O(page + log n) instead of scanning every issue. Built on the
// first such query; index changes go to a small sorted side list (changes mostly move an issue to the
// end), merged back into the base order in one linear pass when the list grows.

function lowerBound(keys: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of (key, idx) in a list sorted by key then idx: the first entry not before it. */
function position(keys: number[], idxs: number[], key: number, idx: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key || (keys[mid] === key && idxs[mid]! < idx)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class UpdatedOrder {
  private built = false;
  /** Slots in (key, slot) order; every slot below `baseSlots` is here with a valid key unless marked. */
  private base = new Int32Array(0);
  private baseKey = new Float64Array(0);
  private baseSlots = 0;
  /** Slots whose base entry is stale (or absent); their current entry is in the side list. */
  private mark = new Uint8Array(0);
  private sideKey: number[] = [];
  private sideIdx: number[] = [];

  /** `minSide`: side-list length that triggers a merge (at least; it also scales with the issue count). */
  constructor(public minSide = 1024) {}

  /** Forget everything (the index was rewritten wholesale); rebuilt on the next scan. */
  invalidate(): void {
    this.built = false;
    this.sideKey = [];
    this.sideIdx = [];
  }

  /** An index change of slot `idx` from `oldKey` to `newKey` (call after the index holds the new value). */
  changed(idx: number, oldKey: number, newKey: number, updated: Float64Array, count: number): void {
    if (!this.built) return;
    if (idx >= this.mark.length) {
      const m = new Uint8Array(Math.max(count, Math.ceil(this.mark.length * 1.5)));
      m.set(this.mark);
      this.mark = m;
    }
    if (this.mark[idx]) {
      if (oldKey === newKey) return;
      const at = position(this.sideKey, this.sideIdx, oldKey, idx);
      this.sideKey.splice(at, 1);
      this.sideIdx.splice(at, 1);
    } else {
      // A base entry whose key did not change stays valid.
      if (oldKey === newKey && idx < this.baseSlots) return;
      this.mark[idx] = 1;
    }
    const at = position(this.sideKey, this.sideIdx, newKey, idx);
    this.sideKey.splice(at, 0, newKey);
    this.sideIdx.splice(at, 0, idx);
    if (this.sideKey.length > Math.max(this.minSide, count >> 7)) this.merge(updated, count);
  }

  private build(updated: Float64Array, count: number): void {
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    order.sort((a, b) => updated[a]! - updated[b]! || a - b);
    this.base = order;
    this.baseKey = new Float64Array(count);
    for (let j = 0; j < count; j++) this.baseKey[j] = updated[order[j]!]!;
    this.baseSlots = count;
    this.mark = new Uint8Array(count);
    this.sideKey = [];
    this.sideIdx = [];
    this.built = true;
  }

  /** Fold the side list (and slots added since the last merge) into the base order: one linear pass. */
  private merge(updated: Float64Array, count: number): void {
    const mark = this.mark;
    const extraIdx: number[] = [];
    for (let i = this.baseSlots; i < count; i++) if (!mark[i]) extraIdx.push(i);
    extraIdx.sort((a, b) => updated[a]! - updated[b]! || a - b);
    const extraKey = extraIdx.map((i) => updated[i]!);
    // Merge the two small sorted lists first, then with the base.
    const [aK, aI, bK, bI] = [this.sideKey, this.sideIdx, extraKey, extraIdx];
    const sK: number[] = [];
    const sI: number[] = [];
    for (let i = 0, j = 0; i < aK.length || j < bK.length;) {
      if (j >= bK.length || (i < aK.length && (aK[i]! < bK[j]! || (aK[i] === bK[j] && aI[i]! < bI[j]!)))) { sK.push(aK[i]!); sI.push(aI[i++]!); }
      else { sK.push(bK[j]!); sI.push(bI[j++]!); }
    }
    const n = this.base.length;
    const out = new Int32Array(count);
    const outKey = new Float64Array(count);
    let o = 0;
    let j = 0;
    for (let i = 0; i <= n; i++) {
      const bKey = i < n ? this.baseKey[i]! : Infinity;
      const bIdx = i < n ? this.base[i]! : Infinity;
      while (j < sK.length && (i === n || sK[j]! < bKey || (sK[j] === bKey && sI[j]! < bIdx))) {
        out[o] = sI[j]!;
        outKey[o++] = sK[j++]!;
      }
      if (i === n) break;
      if (mark[bIdx]) continue;
      out[o] = bIdx;
      outKey[o++] = bKey;
    }
    for (const i of this.sideIdx) mark[i] = 0;
    if (mark.length < count) {
      this.mark = new Uint8Array(count);
      this.mark.set(mark);
    }
    this.base = out.subarray(0, o);
    this.baseKey = outKey.subarray(0, o);
    this.baseSlots = count;
    this.sideKey = [];
    this.sideIdx = [];
  }

  /**
   * Visit slots with key in [lo, hi] in (key, slot) order, ascending or descending, until `visit`
   * returns false. Deleted slots are visited too (callers check `exists`).
   */
  scan(updated: Float64Array, count: number, lo: number, hi: number, desc: boolean, visit: (idx: number, key: number) => boolean): void {
    if (!this.built) this.build(updated, count);
    const base = this.base;
    const bk = this.baseKey;
    const n = base.length;
    const mark = this.mark;
    const sK = this.sideKey;
    const sI = this.sideIdx;
    if (!desc) {
      let i = lowerBound(bk, n, lo);
      let j = lowerBound(sK, sK.length, lo);
      for (;;) {
        while (i < n && mark[base[i]!]) i++;
        let idx: number;
        let key: number;
        if (i < n && (j >= sK.length || bk[i]! < sK[j]! || (bk[i] === sK[j] && base[i]! < sI[j]!))) { idx = base[i]!; key = bk[i++]!; }
        else if (j < sK.length) { idx = sI[j]!; key = sK[j++]!; }
        else return;
        if (key > hi || !visit(idx, key)) return;
      }
    }
    let i = upperBound(bk, n, hi) - 1;
    let j = upperBound(sK, sK.length, hi) - 1;
    for (;;) {
      while (i >= 0 && mark[base[i]!]) i--;
      let idx: number;
      let key: number;
      if (i >= 0 && (j < 0 || bk[i]! > sK[j]! || (bk[i] === sK[j] && base[i]! > sI[j]!))) { idx = base[i]!; key = bk[i--]!; }
      else if (j >= 0) { idx = sI[j]!; key = sK[j--]!; }
      else return;
      if (key < lo || !visit(idx, key)) return;
    }
  }
}
