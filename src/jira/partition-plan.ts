// Where to cut a window [lower, upper) into partitions of about equal size, so that the partitions
// can be walked at once: a Jira that caps pages carrying `updated` at 100 rows makes one walk a
// chain of round trips, and only walks side by side keep every request slot busy.
//
// Sizes come from `count` (Cloud: POST /search/approximate-count): a first round of buckets that
// halve towards `upper` (recent issues are the most edited, so the newest times are the densest),
// then rounds that split uniformly the buckets holding more than a partition's share. Counts only
// choose the cut points: the partitions always cover the window exactly, so a wrong estimate costs
// speed, never an issue.

export type CountFn = (lower: number, upper: number) => Promise<number>;

export interface PartitionOptions {
  /** most partitions (the walk's request slots: max_concurrency) */
  maxParts: number;
  /** the fewest issues worth a partition of their own */
  minRows: number;
  /** buckets of the first round (default 16) */
  buckets?: number;
  /** rounds that split heavy buckets after the first (default 1) */
  refineRounds?: number;
}

interface Bucket {
  lower: number;
  upper: number;
  count: number;
}

/** Edges lower = e0 < e1 < … < upper whose gaps halve towards upper. */
export function halvingEdges(lower: number, upper: number, buckets: number): number[] {
  const span = upper - lower;
  const edges = [lower];
  for (let i = 1; i < buckets; i++) {
    const e = upper - Math.floor(span / 2 ** i);
    if (e > edges[edges.length - 1]! && e < upper) edges.push(e);
  }
  edges.push(upper);
  return edges;
}

/** n equal pieces of [lower, upper) (fewer when the span has fewer milliseconds). */
export function uniformEdges(lower: number, upper: number, n: number): number[] {
  const edges = [lower];
  for (let i = 1; i < n; i++) {
    const e = lower + Math.floor(((upper - lower) * i) / n);
    if (e > edges[edges.length - 1]!) edges.push(e);
  }
  edges.push(upper);
  return edges;
}

async function countAll(edges: number[], count: CountFn): Promise<Bucket[]> {
  const pairs = edges.slice(1).map((upper, i) => ({ lower: edges[i]!, upper }));
  const counts = await Promise.all(pairs.map((p) => count(p.lower, p.upper)));
  return pairs.map((p, i) => ({ ...p, count: counts[i]! }));
}

/**
 * Cut points lower = c0 < c1 < … < ck = upper (k ≥ 1): k partitions of about total / k issues each,
 * k = min(maxParts, ⌊total / minRows⌋). [lower, upper] alone when the window is not worth splitting.
 */
export async function planPartitions(lower: number, upper: number, count: CountFn, o: PartitionOptions): Promise<number[]> {
  if (upper - lower < 2 || o.maxParts < 2) return [lower, upper];
  let buckets = await countAll(halvingEdges(lower, upper, o.buckets ?? 16), count);
  const total = buckets.reduce((s, b) => s + b.count, 0);
  const k = Math.min(o.maxParts, Math.floor(total / o.minRows));
  if (k < 2) return [lower, upper];
  const share = total / k;
  for (let round = 0; round < (o.refineRounds ?? 1); round++) {
    const heavy = buckets.filter((b) => b.count > share && b.upper - b.lower > 1);
    if (heavy.length === 0) break;
    const split = await Promise.all(heavy.map((b) => countAll(uniformEdges(b.lower, b.upper, Math.min(16, Math.ceil((4 * b.count) / share))), count)));
    const byLower = new Map(heavy.map((b, i) => [b.lower, split[i]!]));
    buckets = buckets.flatMap((b) => byLower.get(b.lower) ?? [b]);
  }
  return cutsOf(buckets, k, share);
}

/** Cuts at bucket edges, each where the running count is nearest the next multiple of share. */
export function cutsOf(buckets: readonly Bucket[], k: number, share: number): number[] {
  const cuts = [buckets[0]!.lower];
  let before = 0;
  for (const b of buckets) {
    const goal = share * cuts.length;
    // Cut before this bucket when that lands nearer the goal than cutting after it.
    if (cuts.length < k && before > 0 && b.lower > cuts[cuts.length - 1]! && goal - before <= before + b.count - goal) cuts.push(b.lower);
    before += b.count;
  }
  cuts.push(buckets[buckets.length - 1]!.upper);
  return cuts;
}
