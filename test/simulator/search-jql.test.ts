// /search/jql paging: maxResults range, default fields, page caps, tokens (query-bound, malformed,
// expired), keyset vs offset semantics, POST body rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, withSim } from './helpers.js';

const PATH = '/rest/api/3/search/jql';
const ALL = 'project in (WEB, OPS, DATA, APP) ORDER BY id ASC';

test('maxResults must be 1..5000 (400 otherwise), default 50', async () => {
  await withSim({}, async (_sim, c) => {
    for (const m of [0, -1, 5001]) {
      const r = await c.get(PATH, { jql: ALL, maxResults: m });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, { errorMessages: ['The max results parameter has to be between 1 and 5,000.'], errors: {} });
    }
    assert.equal((await c.get(PATH, { jql: ALL, maxResults: 5000 })).json.issues.length, 300);
    assert.equal((await c.get(PATH, { jql: ALL, maxResults: 1 })).json.issues.length, 1);
    const d = await c.get(PATH, { jql: ALL });
    assert.equal(d.json.issues.length, 50);
    assert.equal(d.json.total, undefined);
    assert.equal(d.json.isLast, false);
    assert.equal(typeof d.json.nextPageToken, 'string');
  });
});

test('fields default to id only; key/updated requests get full pages; many fields are capped', async () => {
  await withSim({ fieldsPageCap: 40 }, async (_sim, c) => {
    const d = await c.get(PATH, { jql: ALL, maxResults: 5 });
    assert.deepEqual(Object.keys(d.json.issues[0]), ['id']);
    const small = await c.get(PATH, { jql: ALL, maxResults: 200, fields: 'key,updated' });
    assert.equal(small.json.issues.length, 200);
    assert.match(small.json.issues[0].key, /^[A-Z]+-\d+$/);
    assert.match(small.json.issues[0].fields.updated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0545$/);
    assert.deepEqual(Object.keys(small.json.issues[0].fields), ['updated']);
    for (const q of [{ fields: '*all' }, { fields: '*navigable' }, { fields: 'summary,status,created,updated,priority,assignee' }, { fields: 'key', expand: 'changelog' }] as Array<Record<string, string>>) {
      const r = await c.get(PATH, { jql: ALL, maxResults: 200, ...q });
      assert.equal(r.json.issues.length, 40, JSON.stringify(q));
      assert.equal(r.json.isLast, false);
    }
  });
});

test('walking all pages returns every issue once, and the last page has no token', async () => {
  await withSim({}, async (sim, c) => {
    const got = await c.searchAll(ALL, { maxResults: 70 });
    assert.deepEqual(got, sim.control.truth().map((t) => t.id));
    const last = await c.get(PATH, { jql: ALL, maxResults: 5000 });
    assert.equal(last.json.isLast, true);
    assert.equal('nextPageToken' in last.json, false);
  });
});

test('a token is tied to its query; malformed and expired tokens answer 400', async () => {
  await withSim({ tokenTtlMs: 150 }, async (_sim, c) => {
    const p1 = await c.get(PATH, { jql: ALL, maxResults: 10 });
    const token = p1.json.nextPageToken as string;
    const other = await c.get(PATH, { jql: 'project = WEB ORDER BY id ASC', maxResults: 10, nextPageToken: token });
    assert.equal(other.status, 400);
    assert.ok(other.json.errorMessages[0].includes('nextPageToken'));
    const otherFields = await c.get(PATH, { jql: ALL, maxResults: 10, fields: 'key', nextPageToken: token });
    assert.equal(otherFields.status, 400);
    for (const bad of ['garbage!!', Buffer.from('{"q":1}').toString('base64url')]) {
      const r = await c.get(PATH, { jql: ALL, nextPageToken: bad });
      assert.equal(r.status, 400);
      assert.ok(r.json.errorMessages[0].includes('nextPageToken'));
    }
    assert.equal((await c.get(PATH, { jql: ALL, maxResults: 10, nextPageToken: token })).status, 200);
    await sleep(200);
    const expired = await c.get(PATH, { jql: ALL, maxResults: 10, nextPageToken: token });
    assert.equal(expired.status, 400);
    assert.match(expired.json.errorMessages[0], /expired/);
  });
});

const MOVING = 'project in (WEB, OPS, DATA, APP) ORDER BY updated ASC, id ASC';
const idsOf = (r: { json: { issues: Array<{ id: string }> } }) => r.json.issues.map((i) => i.id);

test('keyset tokens continue after the last row returned, even when earlier rows move', async () => {
  await withSim({ tokenSemantics: 'keyset', issues: 20 }, async (sim, c) => {
    const order = await c.searchAll(MOVING, { maxResults: 5000 });
    const p1 = await c.get(PATH, { jql: MOVING, maxResults: 2 });
    assert.deepEqual(idsOf(p1), order.slice(0, 2));
    sim.control.updateIssues(1, { ids: [order[0]!] }); // A jumps to the end of `updated ASC`
    const p2 = await c.get(PATH, { jql: MOVING, maxResults: 2, nextPageToken: p1.json.nextPageToken });
    assert.deepEqual(idsOf(p2), order.slice(2, 4));
  });
});

test('offset tokens are positions in the live result: a row moving past the page shifts the next page', async () => {
  await withSim({ tokenSemantics: 'offset', issues: 20 }, async (sim, c) => {
    const order = await c.searchAll(MOVING, { maxResults: 5000 });
    const p1 = await c.get(PATH, { jql: MOVING, maxResults: 2 });
    assert.deepEqual(idsOf(p1), order.slice(0, 2));
    sim.control.updateIssues(1, { ids: [order[0]!] });
    const p2 = await c.get(PATH, { jql: MOVING, maxResults: 2, nextPageToken: p1.json.nextPageToken });
    // Live order is now B C D … A; position 2 onwards is D E: C is never seen (tap-jira #109).
    assert.deepEqual(idsOf(p2), order.slice(3, 5));
  });
});

test('offset tokens: a deleted row shifts later pages too', async () => {
  await withSim({ tokenSemantics: 'offset', issues: 20 }, async (sim, c) => {
    const order = await c.searchAll(MOVING, { maxResults: 5000 });
    const p1 = await c.get(PATH, { jql: MOVING, maxResults: 3 });
    sim.control.deleteIssues(1, { ids: [order[1]!] });
    const p2 = await c.get(PATH, { jql: MOVING, maxResults: 3, nextPageToken: p1.json.nextPageToken });
    assert.deepEqual(idsOf(p2), order.slice(4, 7));
  });
});

test('POST takes the JSON body only: unknown property 400, no JSON content type 415, query string ignored', async () => {
  await withSim({}, async (_sim, c) => {
    const ok = await c.post(PATH, { jql: ALL, maxResults: 7, fields: ['key'] });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.issues.length, 7);
    const p2 = await c.post(PATH, { jql: ALL, maxResults: 7, fields: ['key'], nextPageToken: ok.json.nextPageToken });
    assert.notEqual(p2.json.issues[0].id, ok.json.issues[0].id);
    const unknown = await c.post(PATH, { jql: ALL, startAt: 5 });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.errorMessages[0], /startAt/);
    const badType = await c.post(PATH, { jql: ALL, maxResults: true });
    assert.equal(badType.status, 400);
    const noType = await c.request('POST', PATH, JSON.stringify({ jql: ALL }), { 'content-type': 'text/plain' });
    assert.equal(noType.status, 415);
    assert.match(noType.headers.get('content-type')!, /application\/problem\+json/);
    assert.equal(noType.json.title, 'Unsupported Media Type');
    const qs = await c.request('POST', `${PATH}?maxResults=3&jql=project%3DWEB`, { jql: ALL });
    assert.equal(qs.json.issues.length, 50);
    const onlyQuery = await c.request('POST', `${PATH}?jql=project%3DWEB`, {});
    assert.equal(onlyQuery.status, 400);
  });
});

test('queries answered without the cache (relative dates) page the same in both token semantics', async () => {
  for (const tokenSemantics of ['keyset', 'offset'] as const) {
    await withSim({ tokenSemantics, issues: 120 }, async (sim, c) => {
      const expected = sim.control.truth().sort((a, b) => a.updated - b.updated || Number(a.id) - Number(b.id)).map((t) => t.id);
      assert.deepEqual(await c.searchAll('updated > -100000d ORDER BY updated ASC, id ASC', { maxResults: 17 }), expected, tokenSemantics);
    });
  }
});

test('fieldPageCap caps pages asking for any field besides id/key; id/key pages keep up to 5000; perRowMs grows a reply\'s latency with its rows', async () => {
  await withSim({ fieldPageCap: 30, perRowMs: 1 }, async (_sim, c) => {
    const capped = await c.get(PATH, { jql: ALL, maxResults: 200, fields: 'key,updated' });
    assert.equal(capped.json.issues.length, 30);
    assert.equal(capped.json.isLast, false);
    for (const fields of ['id', 'key', 'id,key']) assert.equal((await c.get(PATH, { jql: ALL, maxResults: 200, fields })).json.issues.length, 200, fields);
    let began = performance.now();
    await c.get(PATH, { jql: ALL, maxResults: 1, fields: 'id' });
    const one = performance.now() - began;
    began = performance.now();
    await c.get(PATH, { jql: ALL, maxResults: 300, fields: 'id' });
    const many = performance.now() - began;
    assert.ok(many - one >= 250, `300 rows took ${many.toFixed(0)} ms, 1 row ${one.toFixed(0)} ms`);
  });
});
