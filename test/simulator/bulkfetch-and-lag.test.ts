// issue/bulkfetch (current data, id order, 1..100) and the search index lag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, withSim } from './helpers.js';

const BULK = '/rest/api/3/issue/bulkfetch';

test('bulkfetch takes 1..100 ids or keys, returns ascending id order, drops missing and deleted ids', async () => {
  await withSim({}, async (sim, c) => {
    for (const ids of [[], Array.from({ length: 101 }, (_, i) => String(10000 + i))]) {
      const r = await c.post(BULK, { issueIdsOrKeys: ids });
      assert.equal(r.status, 400);
      assert.equal(r.json.errorMessages.length, 1);
    }
    assert.equal((await c.post(BULK, { issueIdsOrKeys: ['10001'], bogus: 1 })).status, 400);
    const truth = sim.control.truth();
    const deleted = sim.control.deleteIssues(1, { ids: [truth[5]!.id] })[0]!;
    const r = await c.post(BULK, { issueIdsOrKeys: [truth[9]!.key, truth[3]!.id, '99999999', 'NOPE-1', deleted, truth[3]!.key] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.issues.map((i: { id: string }) => i.id), [truth[3]!.id, truth[9]!.id]);
    assert.deepEqual(r.json.issueErrors, []);
    // Default fields are *navigable: summary and status present, comment (not navigable) absent.
    const f = r.json.issues[0].fields;
    assert.equal(f.summary, truth[3]!.summary);
    assert.ok(f.status && f.project && f.updated);
    assert.equal('comment' in f, false);
  });
});

test('search sees changes only after the index lag; bulkfetch sees them at once', async () => {
  await withSim({ indexLagMs: 300 }, async (sim, c) => {
    const [id] = sim.control.updateIssues(1);
    const truth = sim.control.truth().find((t) => t.id === id)!;
    const jql = `updated >= ${truth.updated} ORDER BY updated ASC`;
    const fresh = await c.post(BULK, { issueIdsOrKeys: [id], fields: ['updated', 'summary'] });
    assert.equal(fresh.json.issues[0].fields.summary, truth.summary);
    assert.deepEqual(await c.searchAll(jql), []);
    // Search still renders the old version of the issue.
    const old = await c.get('/rest/api/3/search/jql', { jql: `id = ${id}`, fields: 'summary' });
    assert.notEqual(old.json.issues[0].fields.summary, truth.summary);
    const created = sim.control.createIssues(1)[0]!;
    assert.deepEqual(await c.searchAll(`id = ${created}`), []);
    assert.equal((await c.post(BULK, { issueIdsOrKeys: [created] })).json.issues.length, 1);
    const count = await c.post('/rest/api/3/search/approximate-count', { jql: `id = ${created}` });
    assert.deepEqual(count.json, { count: 0 });
    await sleep(350);
    assert.deepEqual(await c.searchAll(jql), [id, created]);
    assert.deepEqual(await c.searchAll(`id = ${created}`), [created]);
    assert.deepEqual((await c.post('/rest/api/3/search/approximate-count', { jql: `id = ${created}` })).json, { count: 1 });
  });
});

test('a deleted issue stays in search until the lag passes', async () => {
  await withSim({ indexLagMs: 200 }, async (sim, c) => {
    const id = sim.control.deleteIssues(1)[0]!;
    assert.deepEqual(await c.searchAll(`id = ${id}`), [id]);
    assert.deepEqual((await c.post(BULK, { issueIdsOrKeys: [id] })).json.issues, []);
    await sleep(250);
    assert.deepEqual(await c.searchAll(`id = ${id}`), []);
  });
});

test('configure({indexLagMs}) changes the lag at run time', async () => {
  await withSim({}, async (sim, c) => {
    sim.control.configure({ indexLagMs: 10_000 });
    const id = sim.control.createIssues(1)[0]!;
    assert.deepEqual(await c.searchAll(`id = ${id}`), []);
    sim.control.configure({ indexLagMs: 0 });
    assert.deepEqual(await c.searchAll(`id = ${id}`), [id]);
  });
});

test('reconcileIssues (at most 50) makes search see those issues as they are now, despite the lag', async () => {
  await withSim({ indexLagMs: 60_000 }, async (sim, c) => {
    const [id] = sim.control.updateIssues(1);
    const now = sim.control.truth().find((t) => t.id === id)!;
    const jql = `updated >= ${now.updated}`;
    assert.deepEqual(await c.searchAll(jql), []);
    const r = await c.post('/rest/api/3/search/jql', { jql, reconcileIssues: [Number(id)], fields: ['summary'] });
    assert.deepEqual(r.json.issues.map((i: { id: string }) => i.id), [id]);
    assert.equal(r.json.issues[0].fields.summary, now.summary);
    const g = await c.get('/rest/api/3/search/jql', { jql, reconcileIssues: id! });
    assert.deepEqual(g.json.issues, [{ id }]);
    const tooMany = await c.post('/rest/api/3/search/jql', { jql, reconcileIssues: Array.from({ length: 51 }, (_, i) => 10000 + i) });
    assert.equal(tooMany.status, 400);
  });
});

test('GET issue/{idOrKey} returns current data with all fields', async () => {
  await withSim({ indexLagMs: 60_000 }, async (sim, c) => {
    const [id] = sim.control.updateIssues(1);
    const t = sim.control.truth().find((x) => x.id === id)!;
    const byKey = await c.get(`/rest/api/3/issue/${t.key}`);
    assert.equal(byKey.json.id, id);
    assert.equal(byKey.json.fields.summary, t.summary);
    assert.ok('comment' in byKey.json.fields && 'worklog' in byKey.json.fields);
    assert.equal((await c.get('/rest/api/3/issue/NOPE-1')).status, 404);
  });
});

test('timestamps render as Jira does (ms, +0545 without colon) and equal the truth to the millisecond', async () => {
  await withSim({}, async (sim, c) => {
    const truth = sim.control.truth().slice(0, 100);
    const r = await c.post(BULK, { issueIdsOrKeys: truth.map((t) => t.id), fields: ['created', 'updated'] });
    for (const [k, issue] of (r.json.issues as Array<{ fields: { created: string; updated: string } }>).entries()) {
      for (const f of ['created', 'updated'] as const) {
        const s = issue.fields[f];
        assert.match(s, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0545$/);
        assert.equal(Date.parse(s.replace(/\+0545$/, '+05:45')), truth[k]![f]);
      }
    }
  });
  await withSim({ userTimeZone: 'America/St_Johns' }, async (sim, c) => {
    const t = sim.control.truth()[0]!;
    const r = await c.post(BULK, { issueIdsOrKeys: [t.id], fields: ['updated'] });
    const s: string = r.json.issues[0].fields.updated;
    assert.match(s, /-0[23]30$/); // Newfoundland: -03:30, or -02:30 in summer
    assert.equal(Date.parse(s.replace(/(\d\d)(\d\d)$/, '$1:$2')), t.updated);
  });
});
