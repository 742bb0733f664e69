// Control API: truth, synchronous changes, bulk edits sharing one instant, churn, request log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import { Client, NOW, sleep, withSim } from './helpers.js';

test('truth is deterministic from the seed, sorted by id, with history before now and tie groups', async () => {
  const a = await startSimulator({ issues: 500, seed: 7, now: NOW });
  const b = await startSimulator({ issues: 500, seed: 7, now: NOW });
  const c = await startSimulator({ issues: 500, seed: 8, now: NOW });
  try {
    const ta = a.control.truth();
    assert.deepEqual(ta, b.control.truth());
    assert.notDeepEqual(ta, c.control.truth());
    assert.equal(ta.length, 500);
    assert.deepEqual(ta.map((t) => Number(t.id)), [...ta.map((t) => Number(t.id))].sort((x, y) => x - y));
    assert.ok(ta.every((t) => t.created <= t.updated && t.updated < NOW));
    assert.ok(Math.min(...ta.map((t) => t.created)) < NOW - 600 * 86_400_000, 'history spans about two years');
    const counts = new Map<number, number>();
    for (const t of ta) counts.set(t.updated, (counts.get(t.updated) ?? 0) + 1);
    assert.ok([...counts.values()].some((n) => n >= 3), 'some issues share one updated instant');
    assert.ok(ta.some((t) => t.updated % 1000 !== 0), 'millisecond precision');
  } finally {
    await Promise.all([a.close(), b.close(), c.close()]);
  }
});

test('updateIssues, createIssues, deleteIssues change the truth at once', async () => {
  await withSim({}, async (sim) => {
    const before = sim.control.truth();
    const up = sim.control.updateIssues(3);
    assert.equal(up.length, 3);
    const after = sim.control.truth();
    for (const id of up) {
      const o = before.find((t) => t.id === id)!;
      const n = after.find((t) => t.id === id)!;
      assert.ok(n.updated > o.updated);
      assert.notEqual(n.summary === o.summary && n.updated === o.updated, true);
    }
    const created = sim.control.createIssues(2);
    const deleted = sim.control.deleteIssues(2);
    const t = sim.control.truth();
    assert.equal(t.length, before.length);
    assert.ok(created.every((id) => t.some((x) => x.id === id)));
    assert.ok(deleted.every((id) => !t.some((x) => x.id === id)));
  });
});

test('bulkEdit gives many issues one shared updated instant, visible to search', async () => {
  await withSim({}, async (sim, c) => {
    const at = NOW + 5_000;
    const ids = sim.control.bulkEdit(40, at);
    assert.equal(ids.length, 40);
    const got = await c.searchAll(`updated = ${at} ORDER BY key ASC`, { maxResults: 7 });
    assert.deepEqual([...got].sort(), [...ids].sort());
    const same = sim.control.updateIssues(5, { sameInstant: true });
    const times = new Set(sim.control.truth().filter((t) => same.includes(t.id)).map((t) => t.updated));
    assert.equal(times.size, 1);
  });
});

test('churn updates, creates and deletes in the background and stops on stopChurn', async () => {
  await withSim({}, async (sim) => {
    const before = sim.control.truth();
    sim.control.startChurn({ updatesPerSecond: 200, createsPerSecond: 40, deletesPerSecond: 40, commentsPerSecond: 40, worklogsPerSecond: 40 });
    await sleep(300);
    sim.control.stopChurn();
    const after = sim.control.truth();
    const ids = new Set(before.map((t) => t.id));
    assert.ok(after.some((t) => !ids.has(t.id)), 'created');
    assert.ok(before.some((t) => !after.some((x) => x.id === t.id)), 'deleted');
    const changed = after.filter((t) => { const o = before.find((x) => x.id === t.id); return o && o.updated !== t.updated; });
    assert.ok(changed.length > 10, `updated ${changed.length}`);
    await sleep(150);
    assert.deepEqual(sim.control.truth(), after, 'no churn after stopChurn');
  });
});

test('churn configured at start runs until close', async () => {
  const sim = await startSimulator({ issues: 100, now: NOW, churn: { updatesPerSecond: 500 } });
  const before = sim.control.truth();
  await sleep(200);
  assert.notDeepEqual(sim.control.truth(), before);
  await sim.close();
});

test('the request log counts per endpoint; an unrouted request is answered 404 and listed', async () => {
  await withSim({}, async (sim, c) => {
    await c.get('/rest/api/3/myself');
    await c.get('/rest/api/3/project/WEB/versions');
    await c.get('/rest/api/3/project/10001/versions');
    const r = await c.get('/rest/api/3/no/such/thing');
    assert.equal(r.status, 404);
    const counts = sim.control.requestCounts();
    assert.equal(counts['GET /rest/api/3/myself'], 1);
    assert.equal(counts['GET /rest/api/3/project/{id}/versions'], 2);
    const un = sim.control.unrouted();
    assert.equal(un.length, 1);
    assert.equal(un[0]!.path, '/rest/api/3/no/such/thing');
    assert.equal(un[0]!.status, 404);
    assert.equal(sim.control.requests().length, 4);
    assert.ok(sim.control.requests().every((e) => typeof e.at === 'number' && e.method === 'GET'));
    sim.control.resetRequestLog();
    assert.deepEqual(sim.control.requestCounts(), {});
  });
});

test('the HTTP control surface under /__sim/ is neither logged nor faulted', async () => {
  await withSim({ faults: { rate503: 1 } }, async (sim, c) => {
    const truth = await c.get('/__sim/truth');
    assert.equal(truth.status, 200);
    assert.deepEqual(truth.json, sim.control.truth());
    assert.equal((await c.post('/__sim/configure', { faults: {} })).status, 200);
    assert.equal((await c.get('/rest/api/3/serverInfo')).status, 200);
    const up = await c.post('/__sim/update', { count: 2 });
    assert.equal(up.json.ids.length, 2);
    const be = await c.post('/__sim/bulk-edit', { count: 3, at: NOW + 1 });
    assert.equal(sim.control.truth().filter((t) => t.updated === NOW + 1).length, 3);
    assert.equal(be.json.ids.length, 3);
    assert.equal((await c.post('/__sim/create', { count: 2 })).json.ids.length, 2);
    assert.equal((await c.post('/__sim/delete', { count: 1 })).json.ids.length, 1);
    assert.equal((await c.post('/__sim/churn/start', { updatesPerSecond: 100 })).status, 200);
    assert.equal((await c.post('/__sim/churn/stop', {})).status, 200);
    const log = await c.get('/__sim/requests');
    assert.deepEqual(log.json.counts, { 'GET /rest/api/3/serverInfo': 1 });
    assert.deepEqual(log.json.unrouted, []);
  });
});

test('configure rejects options that cannot change at run time (400 over HTTP)', async () => {
  await withSim({}, async (sim, c) => {
    assert.throws(() => sim.control.configure({ issues: 5 } as never), /issues cannot be changed/);
    const r = await c.post('/__sim/configure', { seed: 2 });
    assert.equal(r.status, 400);
    assert.match(r.json.errorMessages[0], /seed cannot be changed/);
    sim.control.configure({ dcMaxResults: 7, tokenTtlMs: 1000 });
  });
});

test('moveIssues gives an issue a new key in another project; its old key still resolves', async () => {
  await withSim({}, async (sim, c) => {
    const before = sim.control.truth().find((t) => t.projectKey === 'WEB')!;
    const [id] = sim.control.moveIssues(1, { ids: [before.key], toProject: 'OPS' });
    assert.equal(id, before.id);
    const after = sim.control.truth().find((t) => t.id === id)!;
    assert.equal(after.projectKey, 'OPS');
    assert.notEqual(after.key, before.key);
    assert.ok(after.updated > before.updated);
    const old = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: [before.key], fields: ['project'] });
    assert.equal(old.json.issues[0].key, after.key);
    assert.equal(old.json.issues[0].fields.project.key, 'OPS');
    assert.deepEqual(await c.searchAll(`key = ${before.key}`), [id]);
    assert.ok((await c.searchAll('project = OPS', { maxResults: 5000 })).includes(id!));
    assert.ok(!(await c.searchAll('project = WEB', { maxResults: 5000 })).includes(id!));
    const ch = await c.get(`/rest/api/3/issue/${after.key}/changelog`, { maxResults: 100 });
    const last = ch.json.values[ch.json.values.length - 1];
    assert.equal(last.items[0].field, 'project');
    assert.equal(last.items[0].toString, 'Operations');
    assert.equal((await c.post('/__sim/move', { count: 2 })).json.ids.length, 2);
    assert.equal((await c.post('/__sim/move', { count: 1, toProject: 'NOPE' })).status, 400);
  });
});

test('links, sprint moves and catalog entities over /__sim/: each change shows in the bodies, and link or sprint changes move `updated`', async () => {
  await withSim({}, async (sim, c) => {
    const [a, b] = sim.control.truth();
    const body = async (id: string) => (await c.get(`/rest/api/3/issue/${id}`, { fields: 'updated,issuelinks,customfield_10020' })).json.fields;
    const updatedOf = (id: string) => sim.control.truth().find((t) => t.id === id)!.updated;
    const [ua, ub] = [updatedOf(a!.id), updatedOf(b!.id)];
    await sleep(2);
    const link = (await c.post('/__sim/link', { from: a!.id, to: b!.id, typeId: '10000' })).json.id as string;
    assert.ok(updatedOf(a!.id) > ua && updatedOf(b!.id) > ub, 'linking moves both issues');
    assert.ok((await body(a!.id)).issuelinks.some((l: { id: string; outwardIssue?: { id: string } }) => l.id === link && l.outwardIssue?.id === b!.id), 'from side: outwardIssue');
    assert.ok((await body(b!.id)).issuelinks.some((l: { id: string; inwardIssue?: { id: string } }) => l.id === link && l.inwardIssue?.id === a!.id), 'to side: inwardIssue, same id');
    assert.ok((await c.get('/__sim/links')).json.some((l: { id: string }) => l.id === link));
    const before = updatedOf(b!.id);
    await sleep(2);
    assert.equal((await c.post('/__sim/unlink', { id: link })).status, 200);
    assert.ok(updatedOf(b!.id) > before, 'unlinking moves both issues');
    assert.ok(!(await body(a!.id)).issuelinks.some((l: { id: string }) => l.id === link));
    assert.equal((await c.post('/__sim/unlink', { id: link })).status, 400, 'an unknown link is refused');

    const sprint = (await c.post('/__sim/catalog/create', { kind: 'sprint', fields: { boardId: 1, name: 'Hardening' } })).json.id as string;
    assert.deepEqual((await c.post('/__sim/move-to-sprint', { ids: [a!.id], sprintId: Number(sprint) })).json.ids, [a!.id]);
    assert.deepEqual((await body(a!.id)).customfield_10020.map((s: { id: number; name: string }) => [String(s.id), s.name]), [[sprint, 'Hardening']]);
    assert.ok((await c.get('/__sim/sprint-membership')).json.some((m: { issueId: string; sprintId: number }) => m.issueId === a!.id && String(m.sprintId) === sprint));
    assert.equal((await c.post('/__sim/catalog/update', { kind: 'sprint', id: sprint, patch: { name: 'Hardening 2' } })).status, 200);
    assert.equal((await body(a!.id)).customfield_10020[0].name, 'Hardening 2', 'a renamed sprint shows in the Sprint field');
    assert.equal((await c.post('/__sim/catalog/delete', { kind: 'sprint', id: sprint })).status, 200);
    assert.equal((await body(a!.id)).customfield_10020, null, 'a deleted sprint sends its issues to the backlog');

    const project = (await c.post('/__sim/catalog/create', { kind: 'project', fields: { key: 'ZED', name: 'Zed' } })).json.id as string;
    assert.ok((await c.get('/rest/api/3/project/search')).json.values.some((p: { id: string }) => p.id === project));
    assert.equal((await c.post('/__sim/catalog/update', { kind: 'project', id: 'ZED', patch: { key: 'NOPE' } })).status, 400, 'a field that cannot change is refused');
    assert.equal((await c.post('/__sim/catalog/create', { kind: 'widget' })).status, 400, 'an unknown kind is refused');
    const kanban = (await c.post('/__sim/catalog/create', { kind: 'board', fields: { projectKey: 'ZED', type: 'kanban' } })).json.id as string;
    assert.equal((await c.get(`/rest/agile/1.0/board/${kanban}/sprint`)).status, 400, 'a kanban board has no sprints');
    assert.equal((await c.post('/__sim/catalog/create', { kind: 'sprint', fields: { boardId: Number(kanban) } })).status, 400, 'nor can it get one');
    const user = (await c.post('/__sim/catalog/create', { kind: 'user', fields: { displayName: 'Uma Uno' } })).json.id as string;
    assert.ok((await c.get('/rest/api/3/users/search', { maxResults: 1000 })).json.some((u: { accountId: string; displayName: string }) => u.accountId === user && u.displayName === 'Uma Uno'));
    assert.equal((await c.post('/__sim/catalog/delete', { kind: 'user', id: user })).status, 200);
    assert.ok(!(await c.get('/rest/api/3/users/search', { maxResults: 1000 })).json.some((u: { accountId: string }) => u.accountId === user));
    // A deleted project takes its issues and boards with it.
    sim.control.moveIssues(3, { toProject: 'ZED' });
    const inZed = sim.control.truth().filter((t) => t.projectKey === 'ZED').map((t) => t.id);
    assert.equal(inZed.length, 3);
    assert.equal((await c.post('/__sim/catalog/delete', { kind: 'project', id: 'ZED' })).status, 200);
    assert.ok(!sim.control.truth().some((t) => inZed.includes(t.id)), 'its issues are gone');
    assert.equal((await c.get(`/rest/api/3/issue/${inZed[0]}`)).status, 404);
    assert.equal((await c.get(`/rest/agile/1.0/board/${kanban}/sprint`)).status, 404, 'its boards are gone');
  });
});

test('churn changes links, sprint membership and the catalog at the configured rates', async () => {
  await withSim({}, async (sim) => {
    const links = JSON.stringify(sim.control.links());
    const members = JSON.stringify(sim.control.sprintMembership());
    const c = new Client(sim);
    const users = (await c.get('/rest/api/3/users/search', { maxResults: 1000 })).text;
    sim.control.startChurn({ linksPerSecond: 400, sprintMovesPerSecond: 400, catalogChangesPerSecond: 400 });
    await sleep(200);
    sim.control.stopChurn();
    assert.notEqual(JSON.stringify(sim.control.links()), links);
    assert.notEqual(JSON.stringify(sim.control.sprintMembership()), members);
    assert.notEqual((await c.get('/rest/api/3/users/search', { maxResults: 1000 })).text, users);
  });
});
