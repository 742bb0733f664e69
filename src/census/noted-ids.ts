// The ids the walk emitted that the census in effect did not list, per project, as the census state's
// `more` (id ranges). A first run's walk notes every issue here (its baseline), and every STATE carries
// them: each STATE merges the ids noted since the previous one into the project's sorted ids and
// encodes only the projects that changed.
import { decodeRanges, encodeRanges, hasId } from './id-ranges.js';

export class NotedIds {
  private sorted = new Map<string, Float64Array>();
  private fresh = new Map<string, Set<number>>();
  private text: Record<string, string> = {};

  /** `seed`: a saved `more` to carry on (the previous census's, while the new one is being taken). */
  constructor(seed: Record<string, string> = {}) {
    for (const [project, ranges] of Object.entries(seed)) this.sorted.set(project, Float64Array.from(decodeRanges(ranges)));
    this.text = { ...seed };
  }

  has(project: string, id: number): boolean {
    const ids = this.sorted.get(project);
    return this.fresh.get(project)?.has(id) === true || (ids !== undefined && hasId(ids, id));
  }

  add(project: string, id: number): void {
    addTo(this.fresh, project, id);
  }

  encoded(): Record<string, string> {
    if (this.fresh.size === 0) return this.text;
    for (const [project, ids] of this.fresh) {
      const had = this.sorted.get(project) ?? new Float64Array(0);
      const add = Float64Array.from(ids).sort(); // numeric for typed arrays
      // One linear merge: the project's ids so far are sorted already.
      const merged = new Float64Array(had.length + add.length);
      for (let i = 0, j = 0, k = 0; k < merged.length; k++) merged[k] = j >= add.length || (i < had.length && had[i]! < add[j]!) ? had[i++]! : add[j++]!;
      this.sorted.set(project, merged);
      this.text = { ...this.text, [project]: encodeRanges(merged) };
    }
    this.fresh.clear();
    this.text = Object.fromEntries(Object.keys(this.text).sort().map((k) => [k, this.text[k]!]));
    return this.text;
  }
}

export function addTo(map: Map<string, Set<number>>, project: string, id: number): void {
  const ids = map.get(project);
  if (ids === undefined) map.set(project, new Set([id]));
  else ids.add(id);
}
