// Transport faults (issue 12): raw Retry-After, redirects, replaced answers, no Content-Type, drip,
// streamed padding, and when faults start and stop (afterRequests, maxFaults).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASIC, withSim } from './helpers.js';

test('the 429 fault sends a raw Retry-After verbatim, without X-RateLimit-Reset', async () => {
  await withSim({}, async (sim, c) => {
    for (const raw of ['-5', 'soon', 'Thu, 01 Jan 2099 00:00:00 GMT']) {
      sim.control.configure({ faults: { rate429: 1, retryAfterRaw: raw } });
      const r = await c.get('/rest/api/3/serverInfo');
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), raw);
      assert.equal(r.headers.get('x-ratelimit-reset'), null);
    }
  });
});

test('redirectTo answers 302 with the request path and query appended; replaceWith and dropContentType change the answer', async () => {
  await withSim({}, async (sim, c) => {
    sim.control.configure({ faults: { redirectTo: 'https://jira.moved.example.com/', paths: ['/rest/api/3/field'] } });
    const res = await fetch(`${sim.url}/rest/api/3/field?a=1`, { headers: { authorization: BASIC }, redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://jira.moved.example.com/rest/api/3/field?a=1');
    assert.equal((await c.get('/rest/api/3/serverInfo')).status, 200, 'other paths untouched');

    sim.control.configure({ faults: { replaceWith: { body: '<html><title>Login</title></html>', contentType: null } } });
    const html = await c.get('/rest/api/3/myself');
    assert.deepEqual([html.status, html.text, html.headers.get('content-type')], [200, '<html><title>Login</title></html>', null]);
    sim.control.configure({ faults: { replaceWith: { status: 404, body: '{"errorMessages":["Not Found"]}', contentType: 'application/json' } } });
    assert.equal((await c.get('/rest/api/3/myself')).status, 404);

    sim.control.configure({ faults: { dropContentType: true } });
    const bare = await c.get('/rest/api/3/myself');
    assert.equal(bare.status, 200);
    assert.equal(bare.headers.get('content-type'), null);
    assert.equal(bare.json.emailAddress, 'demo@example.com');
  });
});

test('afterRequests lets the first matching requests through; maxFaults stops the faults after that many', async () => {
  await withSim({}, async (sim, c) => {
    sim.control.configure({ faults: { rate503: 1, afterRequests: 2, maxFaults: 3, paths: ['/rest/api/3/serverInfo'] } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await c.get('/rest/api/3/serverInfo')).status);
    assert.deepEqual(statuses, [200, 200, 503, 503, 503, 200, 200]);
  });
});

test('dripMs sends the headers at once and then one byte per interval', async () => {
  await withSim({}, async (sim) => {
    sim.control.configure({ faults: { dripMs: 40 } });
    const started = Date.now();
    const res = await fetch(`${sim.url}/rest/api/3/serverInfo`, { headers: { authorization: BASIC } });
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started < 1000, 'headers at once');
    const reader = res.body!.getReader();
    let bytes = 0;
    while (bytes < 5) bytes += (await reader.read()).value?.length ?? 0;
    assert.ok(Date.now() - started >= 4 * 40, 'one byte per interval');
    await reader.cancel();
  });
});

test('padBytes streams a huge valid JSON answer without building it (the simulator stays small)', async () => {
  await withSim({}, async (sim) => {
    const pad = 300 * 1024 * 1024;
    sim.control.configure({ faults: { padBytes: pad, paths: ['/rest/api/3/myself'] } });
    const before = process.memoryUsage().rss;
    const res = await fetch(`${sim.url}/rest/api/3/myself`, { headers: { authorization: BASIC } });
    assert.equal(res.headers.get('content-length'), null, 'chunked: the size is not announced');
    let size = 0;
    let head = '';
    let tail = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (head.length < 20) head += Buffer.from(chunk).toString('utf8', 0, 20);
      tail = (tail + Buffer.from(chunk).toString('utf8')).slice(-2000);
    }
    assert.ok(head.startsWith('{"_padding":"xxxx'));
    assert.match(tail, /x",.*"emailAddress":"demo@example\.com".*\}$/);
    assert.ok(size > pad && size < pad + 5000, `${size} bytes`);
    const grewMb = (process.memoryUsage().rss - before) / 1024 / 1024;
    assert.ok(grewMb < 100, `RSS grew ${grewMb.toFixed(0)} MB while ${pad / 1024 / 1024} MB went out`);
  });
});

test('padBytesPerIssue pads in proportion to the issues in a bulkfetch answer', async () => {
  await withSim({ issues: 20 }, async (sim, c) => {
    sim.control.configure({ faults: { padBytesPerIssue: 1000, paths: ['/rest/api/3/issue/bulkfetch'] } });
    const ids = sim.control.truth().map((t) => t.id);
    const one = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ids.slice(0, 1) });
    const ten = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ids.slice(0, 10) });
    assert.equal(one.json._padding.length, 1000);
    assert.equal(ten.json._padding.length, 10_000);
    assert.equal(ten.json.issues.length, 10);
    sim.control.configure({ faults: { padBytesPerIssue: 1000, padIssueFields: true, paths: ['/rest/api/3/issue/bulkfetch'] } });
    const inside = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ids.slice(0, 3) });
    assert.equal(inside.json._padding, undefined);
    assert.deepEqual(inside.json.issues.map((i: { fields: Record<string, string> }) => i.fields.customfield_19999!.length), [1000, 1000, 1000]);
    assert.ok(inside.json.issues.every((i: { fields: Record<string, unknown> }) => typeof i.fields.summary === 'string'));
  });
});
