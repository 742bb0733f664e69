// listStream over a scripted HttpClient: parent fan-out bounded by max_concurrency and emitted in
// parent order, skips counted into one WARN per reason, retry rules, dedupe, keep, and the closing STATE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpStatusError } from '../../../src/http/jira-error.js';
import type { HttpClient, HttpRequest } from '../../../src/http/http-client.js';
import { pageBean, single } from '../../../src/jira/paging.js';
import { retry, skip } from '../../../src/jira/status-policy.js';
import { listStream } from '../../../src/streams/declare.js';
import type { StreamContext, StreamEvent } from '../../../src/streams/stream.js';
import { silentLogger } from '../../../src/logger.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Answers GETs from a table path -> body | status; counts requests in flight. */
function fakeHttp(answer: (req: HttpRequest) => unknown) {
  const stats = { inFlight: 0, peak: 0, requests: [] as string[] };
  const http: HttpClient = {
    async json<T>(req: HttpRequest): Promise<T> {
      stats.requests.push(req.path);
      stats.peak = Math.max(stats.peak, ++stats.inFlight);
      try {
        await tick(Number(/\d+$/.exec(req.path)?.[0] ?? 0) % 3); // children finish out of order
        const body = answer(req);
        if (typeof body === 'number') throw httpStatusError(body, req.method, req.path, '{"errorMessages":["no"]}', false);
        return body as T;
      } finally {
        stats.inFlight--;
      }
    },
    async close() {},
  };
  return { http, stats };
}

function context(http: HttpClient, maxConcurrency = 3): StreamContext {
  return {
    config: { base_url: 'https://x.atlassian.net', credentials: { auth_type: 'api_token', email: 'e', api_token: 't' }, start_date: '2020-01-01T00:00:00Z', lookback_minutes: 0, page_size: 100, request_timeout_seconds: 5, max_concurrency: maxConcurrency },
    http,
    logger: silentLogger,
    clock: Date.now,
    sleep: async () => {},
    proveCredentials: async () => {},
    syncMode: 'full_refresh',
    state: undefined,
  };
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

// Stream names must have a schema file: these reuse real ones (the declarations under test are local).
const parents = listStream({ name: 'boards', primaryKey: ['id'], cloud: { path: '/parents', paging: single() } });

test('fan-out: children of every parent, at most max_concurrency in flight, in parent order, parent fields bound', async () => {
  const { http, stats } = fakeHttp((req) =>
    req.path.endsWith('/parents') ? Array.from({ length: 10 }, (_, i) => ({ id: i + 1 })) : [{ id: `${req.path.split('/').at(-1)}-a` }, { id: `${req.path.split('/').at(-1)}-b` }],
  );
  const children = listStream({ name: 'sprints', primaryKey: ['id'], parent: { stream: parents, fields: { board_id: 'id' } }, cloud: { path: (p) => `/child/${String(p.id)}`, paging: single() } });
  const events = await collect(children.read(context(http, 3)));
  const records = events.filter((e) => e.type === 'record').map((e) => (e as { data: Record<string, unknown> }).data);
  assert.deepEqual(records.map((r) => r.id), Array.from({ length: 10 }, (_, i) => [`${i + 1}-a`, `${i + 1}-b`]).flat());
  assert.deepEqual(records.map((r) => r.board_id), Array.from({ length: 10 }, (_, i) => [i + 1, i + 1]).flat());
  assert.ok(stats.peak > 1 && stats.peak <= 3, `peak ${stats.peak}`);
  assert.deepEqual(events.at(-2), { type: 'state', state: {} }, 'a full refresh ends with its STATE');
});

test('skips: counted per reason, one WARN each at the end; other statuses fail the stream', async () => {
  const { http } = fakeHttp((req) => {
    if (req.path.endsWith('/parents')) return [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }];
    if (req.path.endsWith('/2') || req.path.endsWith('/4')) return 400;
    if (req.path.endsWith('/3')) return 404;
    return [{ id: 's1' }];
  });
  const declare = (onStatus: Parameters<typeof listStream>[0]['onStatus']) =>
    listStream({ name: 'sprints', primaryKey: ['id'], parent: { stream: parents, fields: {} }, cloud: { path: (p) => `/child/${String(p.id)}`, paging: single() }, onStatus });
  const events = await collect(declare({ 400: skip('kanban'), 404: skip('gone') }).read(context(http)));
  const warns = events.filter((e) => e.type === 'log' && e.level === 'WARN').map((e) => (e as { message: string }).message).sort();
  assert.deepEqual(warns, [
    'sprints: skipped 1 request(s) that Jira refused with HTTP 404 (gone); nothing else was left out.',
    'sprints: skipped 2 request(s) that Jira refused with HTTP 400 (kanban); nothing else was left out.',
  ]);
  assert.equal(events.filter((e) => e.type === 'record').length, 1);
  await assert.rejects(collect(declare({ 400: skip('kanban') }).read(context(http))), (err: { status?: number }) => err.status === 404);
  // Revoked credentials make every child a 404 (the anonymous view): skips wait for a proof, which fails.
  const revoked = { ...context(http), proveCredentials: async () => Promise.reject(new Error('credentials revoked')) };
  await assert.rejects(collect(declare({ 400: skip('kanban'), 404: skip('gone') }).read(revoked)), /credentials revoked/);
});

test('a retry rule asks again (paced) before failing; dedupe emits a key once; keep leaves records out', async () => {
  let calls = 0;
  const { http } = fakeHttp((req) => {
    if (req.path.endsWith('/flaky')) return ++calls < 3 ? 409 : { isLast: true, values: [{ id: '1' }, { id: '1' }, { id: '2' }, { id: '3' }] };
    return [];
  });
  const s = listStream({ name: 'filters', primaryKey: ['id'], cloud: { path: '/flaky', paging: pageBean(50) }, onStatus: { 409: retry() }, dedupe: true, keep: (r) => r.id !== '3' });
  const events = await collect(s.read(context(http)));
  assert.deepEqual(events.filter((e) => e.type === 'record').map((e) => (e as { data: Record<string, unknown> }).data.id), ['1', '2']);
  assert.equal(calls, 3);
  calls = -10; // never recovers: fails after RETRY_ATTEMPTS
  await assert.rejects(collect(s.read(context(http))), (err: { status?: number }) => err.status === 409);
});

test('a Cloud-only declaration is offered on Cloud only', () => {
  assert.deepEqual(listStream({ name: 'labels', primaryKey: ['label'], cloud: { path: '/label', paging: pageBean(1000) } }).availableOn, ['cloud']);
  assert.deepEqual(parents.availableOn, ['cloud']);
  const both = listStream({ name: 'boards', primaryKey: ['id'], cloud: { path: '/a', paging: single() }, datacenter: { path: '/a', paging: single() } });
  assert.deepEqual(both.availableOn, ['cloud', 'datacenter']);
});

test('fan-out: a parent with many pages is read page by page in its turn, every child once, in order', async () => {
  const { http, stats } = fakeHttp((req) => {
    if (req.path.endsWith('/parents')) return [{ id: 1 }, { id: 2 }, { id: 3 }];
    const startAt = Number(req.query?.startAt);
    const values = startAt < 6 ? [`${req.path.split('/').at(-1)}.${startAt}`, `${req.path.split('/').at(-1)}.${startAt + 1}`] : [];
    return { startAt, isLast: startAt + values.length >= 6, values: values.map((id) => ({ id })) };
  });
  const members = listStream({ name: 'group_members', primaryKey: ['id'], parent: { stream: parents, fields: { group_id: 'id' } }, cloud: { path: (p) => `/members/${String(p.id)}`, paging: pageBean(2) } });
  const ids = (await collect(members.read(context(http, 2)))).filter((e) => e.type === 'record').map((e) => (e as { data: Record<string, unknown> }).data.id);
  assert.deepEqual(ids, [1, 2, 3].flatMap((p) => [0, 1, 2, 3, 4, 5].map((i) => `${p}.${i}`)));
  assert.equal(stats.requests.length, 1 + 3 * 3);
});

test('a parent list two child streams use is read once per run (the run memo), its skips replayed to each; beyond the cap each reads its own', async () => {
  const { RunMemo } = await import('../../../src/streams/run-memo.js');
  const { MAX_SHARED_PARENT_RECORDS } = await import('../../../src/streams/declare.js');
  let size = 3;
  const { http, stats } = fakeHttp((req) => (req.path.endsWith('/shared') ? Array.from({ length: size }, (_, i) => ({ id: i + 1 })) : [{ id: req.path }]));
  const shared = listStream({ name: 'projects', primaryKey: ['id'], cloud: { path: '/shared', paging: single() } });
  const a = listStream({ name: 'project_versions', primaryKey: ['id'], parent: { stream: shared, fields: { project_key: 'id' } }, cloud: { path: (p) => `/a/${String(p.id)}`, paging: single() } });
  const b = listStream({ name: 'project_components', primaryKey: ['id'], parent: { stream: shared, fields: { project_key: 'id' } }, cloud: { path: (p) => `/b/${String(p.id)}`, paging: single() } });
  const records = (es: StreamEvent[]) => es.filter((e) => e.type === 'record').length;

  const run = { ...context(http), memo: new RunMemo() };
  const [pa, pb, ps] = await Promise.all([collect(a.read(run)), collect(b.read(run)), collect(shared.read(run))]);
  assert.deepEqual([records(pa), records(pb), records(ps)], [3, 3, 3]);
  assert.equal(stats.requests.filter((p) => p.endsWith('/shared')).length, 1, 'the parent list is read once for the three streams');

  // Outside a run (no memo) each stream reads its parent itself, as before.
  stats.requests.length = 0;
  await collect(a.read(context(http)));
  await collect(b.read(context(http)));
  assert.equal(stats.requests.filter((p) => p.endsWith('/shared')).length, 2);

  // A parent list longer than the cap is not kept: each child reads it again rather than hold it.
  size = MAX_SHARED_PARENT_RECORDS + 1;
  stats.requests.length = 0;
  const big = { ...context(http, 16), memo: new RunMemo() };
  const [ba, bb] = await Promise.all([collect(a.read(big)), collect(b.read(big))]);
  assert.deepEqual([records(ba), records(bb)], [size, size]);
  assert.equal(stats.requests.filter((p) => p.endsWith('/shared')).length, 3, 'one read that gave up keeping it, then one per child');
});
