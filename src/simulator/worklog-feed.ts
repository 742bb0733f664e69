// The /worklog/updated feed over every worklog, oldest first: seeded worklogs sorted once (lazily),
// merged with those added since and with edits (both already in time order), skipping deleted ones.
// An edited worklog is listed at its latest edit only.
import { ID_BASE, IssueStore } from './issue-store.js';

export interface FeedRow { id: number; at: number }

export class WorklogFeed {
  private at: Float64Array | undefined;
  private ids: Float64Array | undefined;
  constructor(private readonly store: IssueStore) {}

  private seeded(): { at: Float64Array; ids: Float64Array } {
    if (this.at && this.ids) return { at: this.at, ids: this.ids };
    const s = this.store;
    let n = 0;
    for (let i = 0; i < s.count; i++) n += s.seedWorklogs[i]!;
    const at = new Float64Array(n);
    const ids = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < s.count; i++) {
      for (let j = 0; j < s.seedWorklogs[i]!; j++, k++) {
        at[k] = s.seedWorklogAt(i, j);
        ids[k] = (ID_BASE + i) * 1000 + j;
      }
    }
    const order = Array.from({ length: n }, (_x, i) => i).sort((a, b) => at[a]! - at[b]! || ids[a]! - ids[b]!);
    this.at = Float64Array.from(order, (i) => at[i]!);
    this.ids = Float64Array.from(order, (i) => ids[i]!);
    return { at: this.at, ids: this.ids };
  }

  private alive(id: number): boolean {
    return !this.store.deletedWorklogIds.has(id) && this.store.isLive(Math.floor(id / 1000) - ID_BASE);
  }

  /** Up to `limit` live worklogs with since <= time <= horizon, and whether more follow. */
  page(since: number, horizon: number, limit: number): { rows: FeedRow[]; more: boolean } {
    const { at, ids } = this.seeded();
    const { addedWorklogs: added, worklogEdits: edits, lastWorklogEdit } = this.store;
    let i = lowerBound(at.length, (m) => at[m]! < since);
    let j = lowerBound(added.length, (m) => added[m]!.at < since);
    let k = lowerBound(edits.length, (m) => edits[m]!.at < since);
    const rows: FeedRow[] = [];
    const first = (x: FeedRow | undefined, y: FeedRow | undefined) => (x && (!y || x.at < y.at || (x.at === y.at && x.id <= y.id)) ? x : y);
    for (;;) {
      const a = i < at.length && at[i]! <= horizon ? { id: ids[i]!, at: at[i]! } : undefined;
      const b = j < added.length && added[j]!.at <= horizon ? added[j]! : undefined;
      const c = k < edits.length && edits[k]!.at <= horizon ? edits[k]! : undefined;
      const next = first(first(a, b), c);
      if (!next) return { rows, more: false };
      // Only the latest edit of an edited worklog counts: not its creation, not an earlier edit.
      let current = !lastWorklogEdit.has(next.id);
      if (next === a) i++;
      else if (next === b) j++;
      else current = lastWorklogEdit.get(next.id)!.index === k++;
      if (!current || !this.alive(next.id)) continue;
      if (rows.length === limit) return { rows, more: true };
      rows.push({ id: next.id, at: next.at });
    }
  }
}

function lowerBound(n: number, before: (m: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
