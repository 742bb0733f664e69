// A first run's census baseline: every id its walk emitted, with the project it was last seen in. It
// rides in every STATE of the run (a crash must not forget what the warehouse was told), so it is kept
// as one sorted list and written in the census's compact form (census-codec.ts): each STATE costs time
// linear in its size, and 1M ids in a few projects take ~0.3 MB instead of ~6 MB of per-project ranges.
import { encodeSorted, type EncodedCensus } from './census-codec.js';
import { indexOfId } from './id-ranges.js';

/** Ids at which the baseline's STATEs are thinned (see due()). */
export const BIG_BASELINE = 20_000;
/** Fresh ids merged into the sorted list once this many wait (bounds the map, whatever the STATEs). */
const FRESH_MAX = 16_384;

export class Baseline {
  /** the sorted ids: the first `length` of a buffer that grows by half when full (merges write in place) */
  private ids = new Float64Array(1024);
  /** per id, the place of its project in `names` */
  private owners: Uint16Array | Uint32Array = new Uint16Array(1024);
  private length = 0;
  private names: string[] = [];
  private place = new Map<string, number>();
  /** noted since the last merge: id → place */
  private fresh = new Map<number, number>();
  private cached: EncodedCensus | undefined;
  /** ids when the last STATE carrying the baseline went out */
  private carried = 0;

  get size(): number {
    return this.length + this.fresh.size;
  }

  add(project: string, id: number): void {
    let owner = this.place.get(project);
    if (owner === undefined) {
      owner = this.names.push(project) - 1;
      this.place.set(project, owner);
      if (owner > 0xffff && this.owners instanceof Uint16Array) this.owners = Uint32Array.from(this.owners);
    }
    const at = indexOfId(this.ids, id, this.length);
    if (at >= 0) {
      // Emitted again (edited while the run read): it may have moved to another project.
      if (this.owners[at] === owner) return;
      this.owners[at] = owner;
    } else {
      if (this.fresh.get(id) === owner) return;
      this.fresh.set(id, owner);
      if (this.fresh.size >= FRESH_MAX) this.merge();
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
    let owners = this.owners.subarray(0, this.length);
    // Projects are placed as first met; the census lists them sorted (most runs meet them in that order).
    if (sorted.some((name, i) => name !== this.names[i])) {
      const remap = Uint32Array.from(this.names, (n) => sorted.indexOf(n));
      const had = owners;
      owners = new Uint32Array(had.length);
      for (let i = 0; i < had.length; i++) owners[i] = remap[had[i]!]!;
    }
    this.cached = encodeSorted(this.ids.subarray(0, this.length), owners, sorted);
    return this.cached;
  }

  /** Merges the fresh ids into the sorted list, from the back, in place (no copy of the list). */
  private merge(): void {
    const add = new Float64Array(this.fresh.size);
    let n = 0;
    for (const id of this.fresh.keys()) add[n++] = id;
    add.sort(); // numeric for typed arrays
    const total = this.length + add.length;
    if (total > this.ids.length) {
      const capacity = Math.max(total, Math.ceil(this.ids.length * 1.5));
      const ids = new Float64Array(capacity);
      ids.set(this.ids.subarray(0, this.length));
      const owners = this.owners instanceof Uint16Array ? new Uint16Array(capacity) : new Uint32Array(capacity);
      owners.set(this.owners.subarray(0, this.length));
      this.ids = ids;
      this.owners = owners;
    }
    const { ids, owners } = this;
    for (let i = this.length - 1, j = add.length - 1, k = total - 1; j >= 0; k--) {
      if (i >= 0 && ids[i]! > add[j]!) {
        ids[k] = ids[i]!;
        owners[k] = owners[i--]!;
      } else {
        ids[k] = add[j]!;
        owners[k] = this.fresh.get(add[j--]!)!;
      }
    }
    this.length = total;
    this.fresh.clear();
  }
}
