// An in-memory issue index for walk tests: evaluates the bounds of the connector's own JQL and pages
// with either keyset tokens (resume after the last row) or offset tokens (skip n rows of the live result).
import type { PageCursor, SearchFn, SearchPage } from '../../../src/jira/seek-walk.js';
import { createRandom } from '../../../src/simulator/random.js';

export interface FakeRow {
  id: string;
  key: string;
  updated: number;
}

export interface FakeIndex {
  rows: Map<string, FakeRow>;
  search: SearchFn<FakeRow>;
  calls: number;
  /** runs before every search call (after the first `afterCalls` calls): mutate rows here */
  beforeCall?: (call: number) => void;
}

const cmp = (a: FakeRow, b: FakeRow) => a.updated - b.updated || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function fakeIndex(rows: FakeRow[], semantics: 'keyset' | 'offset', pageSize: number): FakeIndex {
  const index: FakeIndex = {
    rows: new Map(rows.map((r) => [r.id, { ...r }])),
    calls: 0,
    search: async (jql: string, next: PageCursor | undefined): Promise<SearchPage<FakeRow>> => {
      index.beforeCall?.(index.calls);
      index.calls++;
      const lo = Number(/updated >= (\d+)/.exec(jql)![1]);
      const hi = Number(/updated < (\d+)/.exec(jql)![1]);
      const live = [...index.rows.values()].filter((r) => r.updated >= lo && r.updated < hi).sort(cmp);
      let from = 0;
      if (typeof next === 'string') {
        const [u, k] = JSON.parse(next) as [number, string];
        from = semantics === 'keyset' ? live.findIndex((r) => cmp(r, { id: '', key: k, updated: u }) > 0) : Number(k);
        if (from < 0) from = live.length;
      }
      const page = live.slice(from, from + pageSize);
      const last = page[page.length - 1];
      const more = from + page.length < live.length;
      const token = !more || !last ? undefined : JSON.stringify(semantics === 'keyset' ? [last.updated, last.key] : [0, String(from + page.length)]);
      return { rows: page.map((r) => ({ id: r.id, updated: r.updated, issue: { ...r } })), next: token };
    },
  };
  return index;
}

/** Deterministic PRNG: the simulator's own (test code may share it; the connector may not). */
export const prng = createRandom;

export function makeRows(n: number, from: number, spreadMs: number, rand: () => number, idBase = 10000): FakeRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: String(idBase + i),
    key: `P-${String(i + 1).padStart(6, '0')}`,
    updated: from + Math.floor(rand() * spreadMs),
  }));
}
