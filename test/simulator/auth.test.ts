// Credentials: wrong Basic is 401 on /myself only and anonymous (empty) elsewhere; DC Bearer PAT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, PAT, WRONG_BASIC, withSim } from './helpers.js';

test('wrong Basic credentials: 401 text/html on /myself with X-Seraph-LoginReason', async () => {
  await withSim({}, async (sim) => {
    for (const auth of [WRONG_BASIC, null]) {
      const r = await new Client(sim, auth).get('/rest/api/3/myself');
      assert.equal(r.status, 401);
      assert.match(r.headers.get('content-type')!, /text\/html/);
      assert.equal(r.headers.get('x-seraph-loginreason'), 'AUTHENTICATED_FAILED');
    }
    const ok = await new Client(sim).get('/rest/api/3/myself');
    assert.equal(ok.status, 200);
    assert.equal(ok.json.emailAddress, 'demo@example.com');
    assert.equal(ok.json.timeZone, 'Asia/Kathmandu');
  });
});

test('wrong Basic credentials elsewhere: 200 and nothing visible (anonymous)', async () => {
  await withSim({}, async (sim) => {
    const c = new Client(sim, WRONG_BASIC);
    const s = await c.get('/rest/api/3/search/jql', { jql: 'project = WEB' });
    assert.equal(s.status, 200);
    assert.deepEqual(s.json, { issues: [], isLast: true });
    const p = await c.get('/rest/api/3/project/search');
    assert.equal(p.status, 200);
    assert.deepEqual(p.json.values, []);
    const b = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['10001'] });
    assert.deepEqual(b.json.issues, []);
    assert.equal((await c.get('/rest/api/3/serverInfo')).status, 200);
    assert.equal((await c.get('/rest/api/3/issue/10001/comment')).status, 404);
  });
});

test('other credentials can be configured', async () => {
  await withSim({ email: 'me@corp.example', apiToken: 'other' }, async (sim) => {
    const c = new Client(sim, 'Basic ' + Buffer.from('me@corp.example:other').toString('base64'));
    assert.equal((await c.get('/rest/api/3/myself')).status, 200);
    assert.equal((await new Client(sim).get('/rest/api/3/myself')).status, 401);
  });
});

test('Data Center accepts the personal access token as Bearer; a wrong one is 401', async () => {
  await withSim({ mode: 'datacenter' }, async (sim) => {
    const ok = await new Client(sim, PAT).get('/rest/api/2/myself');
    assert.equal(ok.status, 200);
    const s = await new Client(sim, PAT).get('/rest/api/2/search', { jql: 'project = WEB' });
    assert.ok(s.json.total > 0);
    assert.equal((await new Client(sim, 'Bearer nope').get('/rest/api/2/search', { jql: 'project = WEB' })).status, 401);
  });
  await withSim({}, async (sim) => {
    // Cloud has no PATs.
    assert.equal((await new Client(sim, PAT).get('/rest/api/3/myself')).status, 401);
  });
});
