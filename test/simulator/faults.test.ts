// Faults: 429 (with and without Retry-After), token-bucket limit, 503 HTML, connection reset,
// truncated JSON, latency. All off by default and switchable per test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withSim } from './helpers.js';

test('faults are off by default', async () => {
  await withSim({}, async (_sim, c) => {
    for (let i = 0; i < 30; i++) assert.equal((await c.get('/rest/api/3/serverInfo')).status, 200);
  });
});

test('429 carries Retry-After and the X-RateLimit-* / RateLimit-Reason headers; retryAfterSeconds null omits Retry-After', async () => {
  await withSim({}, async (sim, c) => {
    sim.control.configure({ faults: { rate429: 1, retryAfterSeconds: 3 } });
    const r = await c.get('/rest/api/3/search/jql', { jql: 'created > 0' });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '3');
    assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(r.headers.get('x-ratelimit-limit')) > 0);
    assert.ok(!Number.isNaN(Date.parse(r.headers.get('x-ratelimit-reset')!)));
    assert.equal(r.headers.get('ratelimit-reason'), 'jira-burst-based');
    sim.control.configure({ faults: { rate429: 1, retryAfterSeconds: null } });
    const n = await c.get('/rest/api/3/serverInfo');
    assert.equal(n.status, 429);
    assert.equal(n.headers.get('retry-after'), null);
    assert.ok(n.headers.get('x-ratelimit-reset'));
    sim.control.configure({ faults: { rate429: 1, paths: ['/rest/api/3/search'] } });
    assert.equal((await c.get('/rest/api/3/serverInfo')).status, 200);
    sim.control.configure({ faults: {} });
    assert.equal((await c.get('/rest/api/3/search/jql', { jql: 'created > 0' })).status, 200);
  });
});

test('a token-bucket rate limit answers 429 with Retry-After computed from the bucket', async () => {
  await withSim({ rateLimitRps: 2, rateLimitBurst: 3 }, async (sim, c) => {
    const statuses: number[] = [];
    let last: Headers | undefined;
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 5; i++) {
      const r = await c.get('/rest/api/3/serverInfo');
      statuses.push(r.status);
      if (r.status === 429) last = r.headers;
      else remaining.push(r.headers.get('x-ratelimit-remaining'));
    }
    assert.deepEqual(remaining.slice(0, 3), ['2', '1', '0']);
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.equal(statuses[4], 429);
    assert.equal(last!.get('retry-after'), '1');
    assert.equal(last!.get('x-ratelimit-limit'), '3');
    sim.control.configure({ rateLimitRps: 0 });
    assert.equal((await c.get('/rest/api/3/serverInfo')).status, 200);
  });
});

test('503 comes with an HTML body', async () => {
  await withSim({ faults: { rate503: 1 } }, async (_sim, c) => {
    const r = await c.get('/rest/api/3/myself');
    assert.equal(r.status, 503);
    assert.match(r.headers.get('content-type')!, /text\/html/);
    assert.match(r.text, /<html>/);
  });
});

test('a connection reset kills the socket mid-response', async () => {
  await withSim({ faults: { rateReset: 1 } }, async (sim, c) => {
    await assert.rejects(async () => {
      const r = await fetch(sim.url + '/rest/api/3/serverInfo', { headers: { authorization: c.auth! } });
      await r.text();
    });
  });
});

test('a truncated body is complete per Content-Length but not valid JSON', async () => {
  await withSim({ faults: { rateTruncated: 1 } }, async (_sim, c) => {
    const r = await c.get('/rest/api/3/serverInfo');
    assert.equal(r.status, 200);
    assert.ok(r.text.length > 0);
    assert.throws(() => JSON.parse(r.text));
  });
});

test('latency delays every request by latencyMs ± jitterMs', async () => {
  await withSim({ latencyMs: 60, jitterMs: 20 }, async (_sim, c) => {
    const t0 = Date.now();
    await c.get('/rest/api/3/serverInfo');
    await c.get('/rest/api/3/serverInfo');
    assert.ok(Date.now() - t0 >= 2 * 40 - 5);
  });
});

test('a status fault answers Jira’s error body on the chosen paths only; listPageCap caps every list page silently', async () => {
  await withSim({}, async (sim, c) => {
    sim.control.configure({ faults: { rateStatus: 1, status: 404, paths: ['/rest/api/3/label'] } });
    const refused = await c.get('/rest/api/3/label');
    assert.equal(refused.status, 404);
    assert.ok(Array.isArray(refused.json.errorMessages));
    assert.equal((await c.get('/rest/api/3/serverInfo')).status, 200);
    sim.control.configure({ faults: {}, listPageCap: 1 });
    const projects = await c.get('/rest/api/3/project/search', { maxResults: 50 });
    assert.deepEqual([projects.json.values.length, projects.json.maxResults, projects.json.isLast], [1, 1, false]);
    assert.equal((await c.get('/rest/agile/1.0/board')).json.values.length, 1);
    assert.equal((await c.get('/rest/api/3/users/search', { maxResults: 100 })).json.length, 1);
    sim.control.configure({ listPageCap: 0 });
    assert.equal((await c.get('/rest/api/3/project/search', { maxResults: 50 })).json.values.length, 4);
  });
});
