// The paginators over scripted page lists: what they ask for, what they yield, where they stop, and
// how they refuse to loop (repeated token, empty pages, pages that break the contract).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agilePages, legacyPage, MAX_EMPTY_PAGES, offsetArray, pageBean, single, tokenPages, type Paging, type Query } from '../../../src/jira/paging.js';
import { ConnectorError } from '../../../src/errors.js';

/** Answers each request with the next scripted page (a function of the query, or a fixed body). */
async function run(paging: Paging, answer: (q: Query, n: number) => unknown) {
  const asked: Query[] = [];
  const pauses: number[] = [];
  let proofs = 0;
  const items: unknown[] = [];
  let error: unknown;
  try {
    for await (const page of paging.pages({
      fetch: async (q) => {
        asked.push(q);
        if (asked.length > 50) throw new Error('paging did not stop');
        return answer(q, asked.length - 1);
      },
      what: 'GET /x',
      pause: async (attempt) => void pauses.push(attempt),
      prove: async () => void proofs++,
    })) items.push(...page);
  } catch (err) {
    error = err;
  }
  return { asked, items, pauses, proofs, error };
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** A server holding `total` items that caps every page at `cap` whatever maxResults says. */
const capped = (total: number, cap: number) => (q: Query) => {
  const startAt = Number(q.startAt);
  const values = range(startAt, Math.max(0, Math.min(cap, Number(q.maxResults), total - startAt)));
  return { startAt, maxResults: cap, total, isLast: startAt + values.length >= total, values };
};

test('pageBean: advances by the items returned when the server caps maxResults silently, stops on isLast', async () => {
  const r = await run(pageBean(100), capped(7, 3));
  assert.deepEqual(r.items, range(0, 7));
  assert.deepEqual(r.asked.map((q) => q.startAt), [0, 3, 6]);
  assert.ok(r.asked.every((q) => q.maxResults === 100));
});

test('pageBean: a short page is not the end; without isLast, total ends it', async () => {
  const pages = [{ startAt: 0, total: 5, values: [0, 1] }, { startAt: 2, total: 5, values: [2, 3, 4] }];
  const r = await run(pageBean(10), (_q, n) => pages[n]);
  assert.deepEqual(r.items, [0, 1, 2, 3, 4]);
  assert.equal(r.asked.length, 2);
});

test('pageBean: empty pages that say more follow are bounded, paced and proven, then fail as transient', async () => {
  const r = await run(pageBean(10), (q) => ({ startAt: q.startAt, isLast: false, values: [] }));
  assert.ok(r.error instanceof ConnectorError);
  assert.equal(r.error.failureType, 'transient_error');
  assert.match(r.error.message, /empty pages in a row/);
  assert.equal(r.asked.length, MAX_EMPTY_PAGES);
  assert.deepEqual(r.pauses, range(1, MAX_EMPTY_PAGES - 1));
  assert.equal(r.proofs, 1);
});

test('pageBean: one empty page then progress goes on (the same position asked again)', async () => {
  let empty = true;
  const r = await run(pageBean(10), (q) => {
    if (q.startAt === 2 && empty) {
      empty = false;
      return { startAt: 2, isLast: false, values: [] };
    }
    return capped(4, 2)(q);
  });
  assert.deepEqual(r.items, [0, 1, 2, 3]);
  assert.deepEqual(r.asked.map((q) => q.startAt), [0, 2, 2]);
});

test('pageBean: pages that break the contract fail with a message naming the endpoint', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ values: [1] }, /neither isLast nor total/],
    [{ isLast: 'yes', values: [1] }, /isLast is "yes"/],
    [{ total: 1.5, values: [1] }, /total is 1.5/],
    [{ isLast: true }, /no "values" list/],
    [{ startAt: 7, isLast: false, values: [1] }, /asked for startAt 0, got the page at 7/],
  ];
  for (const [body, message] of cases) {
    const r = await run(pageBean(10), () => body);
    assert.ok(r.error instanceof ConnectorError, JSON.stringify(body));
    assert.match(r.error.message, /GET \/x/);
    assert.match(r.error.message, message);
  }
});

test('agilePages asks for 50; legacyPage ends on total; offsetArray ends only on an empty page', async () => {
  const agile = await run(agilePages(), capped(120, 50));
  assert.deepEqual(agile.asked.map((q) => [q.startAt, q.maxResults]), [[0, 50], [50, 50], [100, 50]]);
  const legacy = await run(legacyPage('comments', 100), (q) => ({ startAt: q.startAt, total: 3, comments: range(Number(q.startAt), Math.min(2, 3 - Number(q.startAt))) }));
  assert.deepEqual(legacy.items, [0, 1, 2]);
  const bare = await run(offsetArray(1000), (q) => range(Number(q.startAt), Math.max(0, Math.min(2, 5 - Number(q.startAt)))));
  assert.deepEqual(bare.items, range(0, 5));
  assert.deepEqual(bare.asked.map((q) => q.startAt), [0, 2, 4, 5], 'short pages go on until an empty one');
});

test('single: one request; a bare array, a named list or a nested one', async () => {
  assert.deepEqual((await run(single(), () => [1, 2])).items, [1, 2]);
  assert.deepEqual((await run(single('issueLinkTypes'), () => ({ issueLinkTypes: [3] }))).items, [3]);
  const nested = await run(single('columnConfig.columns'), () => ({ columnConfig: { columns: [4, 5] } }));
  assert.deepEqual([nested.items, nested.asked], [[4, 5], [{}]]);
  assert.match(String((await run(single(), () => ({ values: [] }))).error), /not a JSON array/);
});

test('tokenPages: follows the token verbatim, stops on isLast or no token, refuses a token that comes back', async () => {
  const pages = [{ values: [1], nextPageToken: 'a' }, { values: [2], nextPageToken: 'b' }, { values: [3], isLast: true, nextPageToken: 'c' }];
  const ok = await run(tokenPages(50, 'values'), (_q, n) => pages[n]);
  assert.deepEqual(ok.items, [1, 2, 3]);
  assert.deepEqual(ok.asked.map((q) => q.nextPageToken), [undefined, 'a', 'b']);
  const noToken = await run(tokenPages(50, 'values'), () => ({ values: [1], isLast: false }));
  assert.equal(noToken.asked.length, 1);
  const loop = await run(tokenPages(50, 'values'), (_q, n) => ({ values: [n], nextPageToken: 'x' }));
  assert.match(String(loop.error), /nextPageToken of an earlier page came back/);
  assert.equal(loop.asked.length, 2);
  let n = 0;
  const empty = await run(tokenPages(50, 'values'), () => ({ values: [], nextPageToken: `t${n++}` }));
  assert.match(String(empty.error), /empty pages in a row/);
  assert.equal(empty.asked.length, MAX_EMPTY_PAGES);
});
