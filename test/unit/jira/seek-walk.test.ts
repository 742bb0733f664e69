import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PAGES_WITHOUT_PROGRESS, seekWalk, type Position, type SearchFn, type WalkChunk } from '../../../src/jira/seek-walk.js';
import type { ConnectorError } from '../../../src/errors.js';
import { instantJql, rangeJql } from '../../../src/jira/jql.js';
import { fakeIndex, makeRows, prng, type FakeIndex, type FakeRow } from './fake-search.js';

const T0 = 1_700_000_000_000;
const UPPER = T0 + 1_000_000;

async function walk(index: FakeIndex, start: Position = { updated: T0, ids: [] }, chunkSize = 10, stopAfter = Infinity) {
  const chunks: WalkChunk<FakeRow>[] = [];
  const it = seekWalk(index.search, {
    start,
    upper: UPPER,
    rangeJql: (lo, hi) => rangeJql({}, lo, hi),
    instantJql: (at) => instantJql({}, at),
    chunkSize,
  });
  for await (const c of it) {
    chunks.push(c);
    if (chunks.length >= stopAfter) break;
  }
  return { chunks, ids: chunks.flatMap((c) => c.rows.map((r) => r.id)) };
}

function assertPositionsMonotonic(chunks: WalkChunk<FakeRow>[]) {
  let prev: Position | undefined;
  for (const c of chunks) {
    const p = c.position;
    if (!p) continue;
    if (prev) assert.ok(p.updated > prev.updated || (p.updated === prev.updated && p.ids.length >= prev.ids.length), 'position went backwards');
    prev = p;
  }
}

for (const semantics of ['keyset', 'offset'] as const) {
  test(`seek walk (${semantics}): a quiet index is read once, in order, with monotonic positions`, async () => {
    const rows = makeRows(97, T0, 100_000, prng(1));
    const index = fakeIndex(rows, semantics, 7);
    const { chunks, ids } = await walk(index);
    assert.deepEqual([...ids].sort(), rows.map((r) => r.id).sort());
    assert.equal(new Set(ids).size, ids.length, 'no duplicates on a quiet index');
    const updatedInOrder = chunks.flatMap((c) => c.rows.map((r) => r.updated));
    assert.deepEqual(updatedInOrder, [...updatedInOrder].sort((a, b) => a - b));
    assertPositionsMonotonic(chunks);
    assert.ok(chunks.every((c) => c.rows.length <= 10));
    // a fresh query per page re-reads the rows at the position's instant (usually one): 97 / (7 - 1) -> 17 pages
    assert.ok(index.calls <= 18, `calls ${index.calls}`);
  });

  test(`seek walk (${semantics}): 300 ties at one instant across pages of 20 are all read and the walk ends`, async () => {
    const rand = prng(2);
    const rows = [...makeRows(50, T0, 1000, rand), ...makeRows(300, T0 + 500, 1, rand, 20000).map((r, i) => ({ ...r, key: `Q-${i}` })), ...makeRows(50, T0 + 600, 1000, rand, 30000)];
    const index = fakeIndex(rows, semantics, 20);
    const { chunks, ids } = await walk(index);
    assert.deepEqual([...new Set(ids)].sort(), rows.map((r) => r.id).sort());
    assert.equal(new Set(ids).size, ids.length);
    assertPositionsMonotonic(chunks);
    assert.ok(index.calls < 60, `calls ${index.calls}`);
  });

  test(`seek walk (${semantics}): deletes inside a large tie group while paging it lose nothing`, async () => {
    const rand = prng(3);
    const tie = makeRows(200, T0 + 10, 1, rand, 20000).map((r, i) => ({ ...r, key: `T-${String(i).padStart(4, '0')}` }));
    const index = fakeIndex([...makeRows(30, T0, 5, rand), ...tie, ...makeRows(30, T0 + 20, 100, rand, 30000)], semantics, 25);
    const deleted = new Set<string>();
    index.beforeCall = (call) => {
      // from the 4th call on, delete two rows of the tie group that were already read (shifts offsets)
      if (call >= 3 && call % 2 === 1) {
        for (const r of tie.slice(deleted.size, deleted.size + 2)) {
          index.rows.delete(r.id);
          deleted.add(r.id);
        }
      }
    };
    const { ids } = await walk(index);
    const got = new Set(ids);
    const missing = [...index.rows.keys()].filter((id) => !got.has(id));
    assert.deepEqual(missing, [], 'every row still in the index was read');
  });

  test(`seek walk (${semantics}): random updates, creates and deletes while paging lose no untouched row`, async () => {
    for (let seed = 10; seed < 20; seed++) {
      const rand = prng(seed);
      const rows = makeRows(400, T0, 2000, rand); // dense: many small ties
      const index = fakeIndex(rows, semantics, 13);
      const touched = new Set<string>();
      let next = 90000;
      index.beforeCall = () => {
        const live = [...index.rows.values()];
        for (let k = 0; k < 3; k++) {
          const r = live[Math.floor(rand() * live.length)]!;
          touched.add(r.id);
          if (rand() < 0.3) index.rows.delete(r.id);
          else r.updated = UPPER + 1000; // an edit moves the row past the window
        }
        const id = String(next++);
        index.rows.set(id, { id, key: `N-${id}`, updated: UPPER + 5 });
      };
      const { ids, chunks } = await walk(index);
      const got = new Set(ids);
      const lost = rows.filter((r) => !touched.has(r.id) && !got.has(r.id));
      assert.deepEqual(lost, [], `seed ${seed}`);
      assertPositionsMonotonic(chunks);
    }
  });
}

test('seek walk: resuming from any emitted position reads exactly the rest', async () => {
  const rand = prng(4);
  const rows = [...makeRows(60, T0, 100, rand), ...makeRows(80, T0 + 50, 1, rand, 20000)];
  const full = await walk(fakeIndex(rows, 'offset', 9), undefined, 5);
  for (let k = 1; k < full.chunks.length; k++) {
    const cut = full.chunks[k - 1]!.position;
    if (!cut) continue;
    const before = full.chunks.slice(0, k).flatMap((c) => c.rows.map((r) => r.id));
    const rest = await walk(fakeIndex(rows, 'offset', 9), cut, 5);
    const union = new Set([...before, ...rest.ids]);
    assert.equal(union.size, rows.length, `resume after chunk ${k}`);
    assert.equal(before.length + rest.ids.length, rows.length, `no re-read after chunk ${k}`);
  }
});

test('seek walk: a repeated page token is an error, not an endless loop', async () => {
  const rows = makeRows(30, T0 + 1, 1, prng(5)).map((r) => ({ ...r, updated: T0 + 1 }));
  const index = fakeIndex(rows, 'keyset', 10);
  const search = index.search;
  index.search = async (jql, next) => ({ ...(await search(jql, undefined)), next: next ?? 'same-token' });
  const it = seekWalk(index.search, { start: { updated: T0, ids: [] }, upper: UPPER, rangeJql: (lo, hi) => rangeJql({}, lo, hi), instantJql: (at) => instantJql({}, at), chunkSize: 10 });
  await assert.rejects(async () => {
    for await (const _ of it) void _;
  }, /repeated a page token/);
});

test('seek walk: a tie group larger than maxStateIds yields no checkpoint inside it', async () => {
  const rows = makeRows(50, T0, 1, prng(6)).map((r) => ({ ...r, updated: T0 + 3 }));
  const chunks: WalkChunk<FakeRow>[] = [];
  for await (const c of seekWalk(fakeIndex(rows, 'keyset', 10).search, {
    start: { updated: T0, ids: [] }, upper: UPPER, rangeJql: (lo, hi) => rangeJql({}, lo, hi), instantJql: (at) => instantJql({}, at), chunkSize: 10, maxStateIds: 20,
  })) chunks.push(c);
  assert.ok(chunks.some((c) => c.position === undefined));
  assert.deepEqual(chunks.at(-1)!.position, { updated: T0 + 4, ids: [] });
});

test('seek walk: a page out of order switches to the query\'s tokens: every row once, no checkpoint after it, a WARN', async () => {
  const rows = makeRows(120, T0, 100_000, prng(7));
  const index = fakeIndex(rows, 'keyset', 25);
  let pages = 0;
  const reversing: typeof index.search = async (jql, next) => {
    const p = await index.search(jql, next);
    return ++pages === 3 ? { ...p, rows: [...p.rows].reverse() } : p; // the third page comes reversed
  };
  const warnings: string[] = [];
  const chunks: WalkChunk<FakeRow>[] = [];
  for await (const c of seekWalk(reversing, { start: { updated: T0, ids: [] }, upper: UPPER, rangeJql: (lo, hi) => rangeJql({}, lo, hi), instantJql: (at) => instantJql({}, at), chunkSize: 10, warn: (m) => warnings.push(m) })) chunks.push(c);
  const got = chunks.flatMap((c) => c.rows.map((r) => r.id));
  assert.deepEqual([...new Set(got)].sort(), rows.map((r) => r.id).sort());
  const firstUntrusted = chunks.findIndex((c) => c.position === undefined);
  assert.ok(firstUntrusted > 0 && chunks.slice(firstUntrusted).every((c) => c.position === undefined), 'no checkpoint once a page disagreed');
  assert.ok(warnings.some((w) => /disagrees with its own JQL: issue \d+ \(updated .*\) comes after issue/.test(w)), warnings.join('\n'));
});

test('seek walk: pages that bring nothing but say more follow are paced by the backoff, then an error', async () => {
  let n = 0;
  const endless: SearchFn<FakeRow> = async () => ({ rows: [], next: `t${++n}`, more: true });
  const paused: number[] = [];
  let proved = 0;
  const it = seekWalk(endless, {
    start: { updated: T0, ids: [] }, upper: UPPER, rangeJql: (lo, hi) => rangeJql({}, lo, hi), instantJql: (at) => instantJql({}, at), chunkSize: 10,
    pause: async (attempt) => void paused.push(attempt), prove: async () => void proved++,
  });
  await assert.rejects(async () => {
    for await (const _ of it) { /* nothing comes */ }
  }, (err: ConnectorError) => err.failureType === 'transient_error' && /5 search pages in a row that brought no new issues/.test(err.message));
  assert.deepEqual(paused, [1, 2, 3, 4]);
  assert.equal(proved, 1, 'the credentials are proven at the first empty page');
  assert.equal(n, MAX_PAGES_WITHOUT_PROGRESS + 1);
});
