// Where to cut a window [lower, upper) into leaves small enough for one page of ids (≤ 5000): a
// Jira that caps pages carrying `updated` at 100 rows makes the seek walk a chain of round trips,
// while a leaf is listed by one ids-only query and its bodies fetched side by side.
//
// Sizes come from `count` (Cloud: POST /search/approximate-count), one round of buckets that halve
// towards `upper` (recent issues are the most edited, so the newest times are the densest). Counts
// only choose the cut points: the leaves always cover the window exactly, so a wrong estimate costs
// speed, never an issue.

export type CountFn = (lower: number, upper: number) => Promise<number>;

export interface LeafOptions {
  /** issues a leaf is cut for: well under the 5000 ids of one page, as counts are estimates */
  leafRows: number;
  /** buckets of the count round (default 16) */
  buckets?: number;
}

export interface Bucket {
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

/** Cut points lower = c0 < c1 < … < ck = upper of leaves holding about leafRows issues each (one round of counts). */
export async function planLeaves(lower: number, upper: number, count: CountFn, o: LeafOptions): Promise<number[]> {
  const buckets = await countAll(halvingEdges(lower, upper, o.buckets ?? 16), count);
  return leafCuts(buckets, o.leafRows);
}

/**
 * Greedy cuts at bucket edges, no leaf above leafRows by the counts; a heavier bucket is cut evenly
 * as if its issues were spread evenly in it (a leaf that holds more than a page splits itself).
 */
export function leafCuts(buckets: readonly Bucket[], leafRows: number): number[] {
  const atoms: Bucket[] = buckets.flatMap((b) => {
    if (b.count <= leafRows) return [b];
    const edges = uniformEdges(b.lower, b.upper, Math.ceil((1.25 * b.count) / leafRows));
    const each = b.count / (edges.length - 1);
    return edges.slice(1).map((hi, i) => ({ lower: edges[i]!, upper: hi, count: each }));
  });
  const cuts = [atoms[0]!.lower];
  let acc = 0;
  for (const a of atoms) {
    if (acc > 0 && acc + a.count > leafRows) {
      cuts.push(a.lower);
      acc = 0;
    }
    acc += a.count;
  }
  cuts.push(atoms[atoms.length - 1]!.upper);
  return cuts;
}
