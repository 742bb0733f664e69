// The simulator's side of deleted issues: the audit log (GET /auditing/record, admin only) records each
// deletion, validating against Jira's OpenAPI schemas; GET /project/{key}; a hidden project (a lost
// browse permission) vanishes from search, bulkfetch and the project endpoints without a deletion record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, withSim } from './helpers.js';
import { SpecValidator } from './openapi.js';

const platform = new SpecValidator('jira-platform-v3.json', 'platform');

function valid(path: string, body: unknown, what: string): void {
  const v = platform.forResponse(path, 'GET');
  assert.ok(v(body), `${what}: ${JSON.stringify(v.errors?.slice(0, 5), null, 1)}`);
}

test('audit log: one ISSUE_DELETE record per deleted issue, newest first, paged and filtered as Jira does; 403 without admin', async () => {
  await withSim({ issues: 200, admin: true }, async (sim, c) => {
    const empty = await c.get('/rest/api/3/auditing/record');
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json, { offset: 0, limit: 1000, total: 0, records: [] });
    const before = Date.now();
    const gone = sim.control.deleteIssues(5);
    const r = await c.get('/rest/api/3/auditing/record', { filter: 'issue deleted', from: new Date(before - 1000).toISOString() });
    assert.equal(r.status, 200);
    valid('/rest/api/3/auditing/record', r.json, 'auditing/record');
    assert.equal(r.json.total, 5);
    assert.deepEqual(r.json.records.map((x: any) => x.objectItem.id), [...gone].reverse(), 'newest first, the issue id in objectItem.id');
    for (const x of r.json.records) {
      assert.equal(x.objectItem.typeName, 'ISSUE_DELETE');
      assert.match(x.objectItem.name, /^[A-Z]+-\d+$/);
    }
    const page = await c.get('/rest/api/3/auditing/record', { offset: 3, limit: 2 });
    assert.deepEqual(page.json.records.map((x: any) => x.objectItem.id), [gone[1], gone[0]]);
    assert.equal((await c.get('/rest/api/3/auditing/record', { filter: 'project created' })).json.total, 0, 'every filter word must match');
    assert.equal((await c.get('/rest/api/3/auditing/record', { from: new Date(Date.now() + 60_000).toISOString() })).json.total, 0);
    assert.equal((await c.get('/rest/api/3/auditing/record', { from: 'soon' })).status, 400);
    assert.equal(sim.control.listTruth().deleted_issues!.keys.length, 5);
    sim.control.configure({ admin: false });
    const denied = await c.get('/rest/api/3/auditing/record');
    assert.equal(denied.status, 403);
    assert.ok(Array.isArray(denied.json.errorMessages) && denied.json.errorMessages.length === 1);
    assert.equal((await new Client(sim, null).get('/rest/api/3/auditing/record')).status, 401);
  });
});

test('GET /project/{key} validates; a hidden project answers 404 there, leaves search, bulkfetch and /project/search, and comes back; no deletion is recorded', async () => {
  await withSim({ issues: 200, admin: true }, async (sim, c) => {
    const p = await c.get('/rest/api/3/project/OPS');
    assert.equal(p.status, 200);
    valid('/rest/api/3/project/{projectIdOrKey}', p.json, 'project');
    assert.equal(p.json.key, 'OPS');
    const ops = sim.control.truth().filter((t) => t.projectKey === 'OPS').map((t) => t.id);
    assert.ok(ops.length > 0);
    sim.control.hideProject('OPS');
    assert.equal((await c.get('/rest/api/3/project/OPS')).status, 404);
    assert.ok(!(await c.get('/rest/api/3/project/search')).json.values.some((x: any) => x.key === 'OPS'));
    const listed = await c.searchAll('id > 0 ORDER BY id ASC', { maxResults: 5000, fields: 'key' });
    assert.ok(!listed.some((id) => ops.includes(id)), 'search lists none of its issues');
    assert.equal(listed.length, 200 - ops.length);
    const bulk = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ops.slice(0, 100), fields: ['id'] });
    assert.equal(bulk.json.issues.length, 0);
    assert.equal((await c.get('/rest/api/3/auditing/record')).json.total, 0, 'hiding is not deleting');
    sim.control.hideProject('OPS', false);
    assert.equal((await c.get('/rest/api/3/project/OPS')).status, 200);
    assert.equal((await c.searchAll('id > 0 ORDER BY id ASC', { maxResults: 5000, fields: 'key' })).length, 200);
    const http = await c.post('/__sim/hide-project', { key: 'NOPE' });
    assert.equal(http.status, 400);
  });
});
