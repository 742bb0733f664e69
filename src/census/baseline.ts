// A first run's census baseline: every id its walk emitted, with the project it was last seen in. It
// rides in every STATE of the run (a crash must not forget what the warehouse was told), so it is kept
// as one sorted list and written in the census's compact form (census-codec.ts): each STATE costs time
// linear in its size, and 1M ids in a few projects take ~0.3 MB instead of ~6 MB of per-project ranges.
import { encodeSorted, type EncodedCensus } from './census-codec.js';

/** Ids at which the baseline's STATEs are thinned (see due()). */
export const BIG_BASELINE = 20_000;

export class Baseline {
  private ids = new Float64Array(0);
  /** per id of `ids`, the place of its project in `names` */
  private owners = new Uint32Array(0);
  private names: string[] = [];
  private place = new Map<string, number>();
  /** noted since the last encoding: id → place */
  private fresh = new Map<number, number>();
  private cached: EncodedCensus | undefined;
  /** ids when the last STATE carrying the baseline went out */
  private carried = 0;

  get size(): number {
    return this.ids.length + this.fresh.size;
  }

  add(project: string, id: number): void {
    let owner = this.place.get(project);
    if (owner === undefined) {
      owner = this.names.push(project) - 1;
      this.place.set(project, owner);
    }
    const at = indexOf(this.ids, id);
    if (at >= 0) {
      // Emitted again (edited while the run read): it may have moved to another project.
      if (this.owners[at] === owner) return;
      this.owners[at] = owner;
    } else {
      if (this.fresh.get(id) === owner) return;
      this.fresh.set(id, owner);
    }
    this.cached = undefined;
  }

  /**
   * Whether a STATE that does not complete the window should carry the baseline now. Past BIG_BASELINE
   * ids, once it grew by a tenth since the last: each STATE costs time and bytes linear in the ids, so
   * one per leaf would cost O(N²) over a big first run; this keeps it O(N) (about 30 STATEs from 20k
   * to 1M issues). A STATE left out is never needed: the next one covers everything it would have.
   */
  due(): boolean {
    const n = this.size;
    if (n >= BIG_BASELINE && n - this.carried < n / 10) return false;
    this.carried = n;
    return true;
  }

  encoded(): EncodedCensus {
    if (this.cached !== undefined) return this.cached;
    if (this.fresh.size > 0) this.merge();
    const sorted = [...this.names].sort();
    const remap = this.names.map((n) => sorted.indexOf(n));
    const owners = new Uint32Array(this.owners.length);
    for (let i = 0; i < owners.length; i++) owners[i] = remap[this.owners[i]!]!;
    this.cached = encodeSorted(this.ids, owners, sorted);
    return this.cached;
  }

  /** One linear merge of the fresh ids into the sorted list. */
  private merge(): void {
    const add = Float64Array.from(this.fresh.keys()).sort(); // numeric for typed arrays
    const ids = new Float64Array(this.ids.length + add.length);
    const owners = new Uint32Array(ids.length);
    for (let i = 0, j = 0, k = 0; k < ids.length; k++) {
      if (j >= add.length || (i < this.ids.length && this.ids[i]! < add[j]!)) {
        ids[k] = this.ids[i]!;
        owners[k] = this.owners[i++]!;
      } else {
        ids[k] = add[j]!;
        owners[k] = this.fresh.get(add[j++]!)!;
      }
    }
    this.ids = ids;
    this.owners = owners;
    this.fresh.clear();
  }
}

/** The place of `id` in `sorted` (ascending), or -1. */
function indexOf(sorted: Float64Array, id: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
