// Data Center mode: /rest/api/2/search offset paging, silent cap, result window, serverInfo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, PAT, withSim } from './helpers.js';

test('DC /rest/api/2/search pages with startAt/maxResults/total and caps maxResults silently', async () => {
  await withSim({ mode: 'datacenter', dcMaxResults: 40 }, async (sim) => {
    const c = new Client(sim, PAT);
    const truth = sim.control.truth();
    const r = await c.get('/rest/api/2/search', { jql: 'project in (WEB, OPS, DATA, APP) ORDER BY id ASC', maxResults: 500 });
    assert.equal(r.status, 200);
    assert.equal(r.json.maxResults, 40);
    assert.equal(r.json.total, truth.length);
    assert.equal(r.json.issues.length, 40);
    assert.equal(typeof r.json.issues[0].fields.summary, 'string');
    assert.equal(typeof r.json.issues[0].fields.description === 'string' || r.json.issues[0].fields.description === null, true);
    const ids: string[] = [];
    for (let startAt = 0; startAt < r.json.total; startAt += 40) {
      const p = await c.post('/rest/api/2/search', { jql: 'project in (WEB, OPS, DATA, APP) ORDER BY id ASC', startAt, maxResults: 1000, fields: ['key'] });
      assert.equal(p.json.startAt, startAt);
      ids.push(...p.json.issues.map((i: { id: string }) => i.id));
    }
    assert.deepEqual(ids, truth.map((t) => t.id));
  });
});

test('DC answers 500 past the result window', async () => {
  await withSim({ mode: 'datacenter', dcResultWindow: 100 }, async (sim) => {
    const c = new Client(sim, PAT);
    assert.equal((await c.get('/rest/api/2/search', { jql: 'created > 0', startAt: 50, maxResults: 50 })).status, 200);
    const r = await c.get('/rest/api/2/search', { jql: 'created > 0', startAt: 100, maxResults: 50 });
    assert.equal(r.status, 500);
    assert.match(r.json.errorMessages[0], /search platform limit/);
  });
});

test('DC serverInfo says DataCenter; no /rest/api/3/search/jql; Cloud says Cloud and 410s the old search', async () => {
  await withSim({ mode: 'datacenter' }, async (sim) => {
    const c = new Client(sim, PAT);
    assert.equal((await c.get('/rest/api/2/serverInfo')).json.deploymentType, 'DataCenter');
    assert.equal((await c.get('/rest/api/3/search/jql', { jql: 'created > 0' })).status, 404);
    assert.equal((await c.get('/rest/api/2/search/jql', { jql: 'created > 0' })).status, 404);
  });
  await withSim({}, async (_sim, c) => {
    assert.equal((await c.get('/rest/api/3/serverInfo')).json.deploymentType, 'Cloud');
    const gone = await c.get('/rest/api/3/search', { jql: 'created > 0' });
    assert.equal(gone.status, 410);
    assert.match(gone.json.errorMessages[0], /search\/jql/);
  });
});
