// Comments, worklogs and changelogs: embedded and truncated in issue bodies (with totals), complete
// from their own endpoints; the bulk changelog fetch; the worklog change feeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, sleep, withSim, WRONG_BASIC } from './helpers.js';

const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0545$/;

async function heavyIssue(c: Client): Promise<{ id: string; comments: number; changes: number }> {
  // Seeded issue 10005 (and every 97th after it) carries more than 20 comments and 40 changelog entries.
  const id = '10005';
  const cm = await c.get(`/rest/api/3/issue/${id}/comment`);
  const ch = await c.get(`/rest/api/3/issue/${id}/changelog`);
  return { id, comments: cm.json.total, changes: ch.json.total };
}

test('search embeds at most 20 comments and 20 changelog entries, with the real totals', async () => {
  await withSim({}, async (_sim, c) => {
    const h = await heavyIssue(c);
    assert.ok(h.comments > 20 && h.changes > 40, JSON.stringify(h));
    const r = await c.get('/rest/api/3/search/jql', { jql: `id = ${h.id}`, fields: 'comment,worklog', expand: 'changelog' });
    const issue = r.json.issues[0];
    assert.equal(issue.fields.comment.comments.length, 20);
    assert.equal(issue.fields.comment.total, h.comments);
    assert.equal(issue.fields.worklog.worklogs.length, 20);
    assert.ok(issue.fields.worklog.total > 20);
    assert.equal(issue.changelog.histories.length, 20);
    assert.equal(issue.changelog.total, h.changes);
    // Embedded changelog is newest first.
    const times = issue.changelog.histories.map((x: { created: string }) => Date.parse(x.created.replace(/(\d\d)(\d\d)$/, '$1:$2')));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
  });
});

test('bulkfetch embeds up to 40 changelog entries', async () => {
  await withSim({}, async (_sim, c) => {
    const h = await heavyIssue(c);
    const r = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: [h.id], fields: ['summary'], expand: ['changelog'] });
    assert.equal(r.json.issues[0].changelog.histories.length, 40);
    assert.equal(r.json.issues[0].changelog.total, h.changes);
  });
});

test('per-issue endpoints page through everything, oldest first, with Jira timestamps', async () => {
  await withSim({}, async (_sim, c) => {
    const h = await heavyIssue(c);
    const p1 = await c.get(`/rest/api/3/issue/${h.id}/comment`, { maxResults: 10 });
    const p2 = await c.get(`/rest/api/3/issue/${h.id}/comment`, { maxResults: 10, startAt: 10 });
    assert.equal(p1.json.comments.length, 10);
    assert.notEqual(p1.json.comments[0].id, p2.json.comments[0].id);
    assert.match(p1.json.comments[0].created, TS);
    assert.equal(p1.json.comments[0].body.type, 'doc');
    const ch = await c.get(`/rest/api/3/issue/${h.id}/changelog`, { maxResults: 100 });
    assert.equal(ch.json.values.length, h.changes);
    assert.equal(ch.json.isLast, true);
    const wl = await c.get(`/rest/api/3/issue/${h.id}/worklog`);
    assert.equal(wl.json.worklogs.length, wl.json.total);
    assert.equal((await c.get('/rest/api/3/issue/99999999/comment')).status, 404);
    assert.equal((await new Client(c.sim, WRONG_BASIC).get(`/rest/api/3/issue/${h.id}/worklog`)).status, 404);
  });
});

test('changelog/bulkfetch sorts by date then issue id and pages with nextPageToken', async () => {
  await withSim({}, async (sim, c) => {
    const keys = sim.control.truth().slice(0, 30).map((t) => t.key);
    const all: Array<{ issueId: string; created: number }> = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await c.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: keys, maxResults: 25, ...(token ? { nextPageToken: token } : {}) });
      assert.equal(r.status, 200);
      for (const g of r.json.issueChangeLogs) for (const h of g.changeHistories) all.push({ issueId: g.issueId, created: Date.parse(h.created.replace(/(\d\d)(\d\d)$/, '$1:$2')) });
      token = r.json.nextPageToken;
      pages++;
    } while (token);
    assert.ok(pages > 1);
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1]!, b = all[i]!;
      assert.ok(a.created < b.created || (a.created === b.created && Number(a.issueId) <= Number(b.issueId)));
    }
    assert.equal((await c.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: [] })).status, 400);
  });
});

test('worklog/updated lists changes since a time, leaving out the last minute; worklog/deleted lists deletions', async () => {
  await withSim({ now: Date.now() }, async (sim, c) => {
    const since = Date.now() - 3 * 86_400_000;
    const r = await c.get('/rest/api/3/worklog/updated', { since });
    assert.equal(r.status, 200);
    for (const v of r.json.values) assert.ok(v.updatedTime >= since && v.updatedTime <= Date.now() - 60_000);
    // Fresh worklogs (this minute) are not listed yet.
    sim.control.startChurn({ worklogsPerSecond: 400 });
    await sleep(150);
    sim.control.stopChurn();
    const now = await c.get('/rest/api/3/worklog/updated', { since: Date.now() - 30_000 });
    assert.deepEqual(now.json.values, []);
    assert.equal(now.json.lastPage, true);
    const del = await c.get('/rest/api/3/worklog/deleted', { since: 0 });
    assert.equal(del.status, 200);
    const some = (await c.get('/rest/api/3/worklog/updated', { since: 0 })).json.values.slice(0, 5);
    const list = await c.post('/rest/api/3/worklog/list', { ids: some.map((v: { worklogId: number }) => v.worklogId) });
    assert.equal(list.json.length, 5);
  });
});

test('agile: boards, sprints of a scrum board, issues of a sprint', async () => {
  await withSim({ issues: 3000 }, async (_sim, c) => {
    const boards = await c.get('/rest/agile/1.0/board');
    assert.equal(boards.json.values.length, 5);
    const kanban = boards.json.values.find((b: { type: string }) => b.type === 'kanban');
    assert.equal((await c.get(`/rest/agile/1.0/board/${kanban.id}/sprint`)).status, 400);
    const sprints = await c.get('/rest/agile/1.0/board/1/sprint', { state: 'closed' });
    assert.ok(sprints.json.values.length > 0 && sprints.json.values.every((s: { state: string }) => s.state === 'closed'));
    const si = await c.get(`/rest/agile/1.0/sprint/${sprints.json.values[0].id}/issue`, { fields: 'customfield_10020' });
    assert.ok(si.json.total > 0);
    assert.equal(si.json.issues[0].fields.customfield_10020[0].id, sprints.json.values[0].id);
  });
});

test('metadata endpoints answer: fields include custom fields of the common types', async () => {
  await withSim({}, async (_sim, c) => {
    const fields = (await c.get('/rest/api/3/field')).json as Array<{ id: string; custom: boolean; schema?: { custom?: string } }>;
    const kinds = fields.filter((f) => f.custom).map((f) => f.schema!.custom!.split(':')[1]);
    for (const k of ['float', 'textfield', 'textarea', 'select', 'multiselect', 'userpicker', 'datepicker', 'datetime', 'labels', 'gh-sprint']) assert.ok(kinds.includes(k), k);
    for (const p of ['status', 'statuscategory', 'priority', 'issuetype', 'resolution', 'project/WEB/versions', 'project/WEB/components']) {
      const r = await c.get(`/rest/api/3/${p}`);
      assert.equal(r.status, 200, p);
      assert.ok(r.json.length > 0, p);
    }
    const users = await c.get('/rest/api/3/users/search', { startAt: 10, maxResults: 5 });
    assert.equal(users.json.length, 5);
  });
});

test('following worklog/updated nextPage until lastPage lists every worklog once (after dedupe)', async () => {
  await withSim({ issues: 1500 }, async (sim, c) => {
    sim.control.deleteIssues(20);
    const seen = new Set<number>();
    let url: string | undefined = `/rest/api/3/worklog/updated?since=0`;
    let pages = 0;
    while (url) {
      const r = await c.get(url);
      for (const v of r.json.values) seen.add(v.worklogId);
      url = r.json.lastPage ? undefined : (r.json.nextPage as string).slice(sim.url.length);
      pages++;
    }
    assert.ok(pages > 1);
    let total = 0;
    const ids = sim.control.truth().map((t) => t.id);
    for (let i = 0; i < ids.length; i += 100) {
      const r = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ids.slice(i, i + 100), fields: ['worklog'] });
      for (const issue of r.json.issues) total += issue.fields.worklog.total;
    }
    assert.equal(seen.size, total);
  });
});

test('a worklog edit moves its updated: the feed lists it again at the edit only, worklog/list shows the new time spent; the feeds skip the last worklogFeedDelayMs', async () => {
  await withSim({ issues: 300, worklogFeedDelayMs: 300 }, async (sim, c) => {
    const before = await c.get('/rest/api/3/worklog/updated', { since: 0 });
    assert.equal(before.json.lastPage, true);
    // The spec's example: nextPage is there on the last page too, asking from `until` again.
    assert.equal(before.json.nextPage, `${sim.url}/rest/api/3/worklog/updated?since=${before.json.until}`);
    const start = Date.now();
    sim.control.startChurn({ worklogsPerSecond: 400 });
    await sleep(200);
    sim.control.stopChurn();
    const fresh = await c.get('/rest/api/3/worklog/updated', { since: start });
    assert.deepEqual(fresh.json.values, [], 'changes younger than the delay are left out');
    await sleep(350);
    const after = await c.get('/rest/api/3/worklog/updated', { since: start });
    const changed = after.json.values as Array<{ worklogId: number; updatedTime: number }>;
    assert.ok(changed.length > 10, `${changed.length} changed worklogs`);
    assert.equal(new Set(changed.map((v) => v.worklogId)).size, changed.length, 'each worklog once');
    const old = new Map((before.json.values as Array<{ worklogId: number; updatedTime: number }>).map((v) => [v.worklogId, v.updatedTime]));
    const edited = changed.filter((v) => old.has(v.worklogId));
    assert.ok(edited.length > 0, 'some seeded worklogs were edited');
    const list = await c.post('/rest/api/3/worklog/list', { ids: edited.map((v) => v.worklogId) });
    for (const w of list.json as Array<{ id: string; updated: string; created: string }>) {
      const v = edited.find((e) => String(e.worklogId) === w.id)!;
      assert.equal(Date.parse(w.updated.replace(/(\d\d)(\d\d)$/, '$1:$2')), v.updatedTime, 'updated is the edit time');
      assert.ok(Date.parse(w.created.replace(/(\d\d)(\d\d)$/, '$1:$2')) < start, 'created stays');
    }
    // The whole feed from 0 lists an edited worklog once, at its edit.
    const all = await c.get('/rest/api/3/worklog/updated', { since: 0 });
    const atEdit = (all.json.values as Array<{ worklogId: number; updatedTime: number }>).filter((v) => v.worklogId === edited[0]!.worklogId);
    assert.deepEqual(atEdit.map((v) => v.updatedTime), [edited[0]!.updatedTime]);
    // Deletions: in /worklog/deleted, gone from /worklog/updated and worklog/list.
    const del = await c.get('/rest/api/3/worklog/deleted', { since: start });
    const gone = (del.json.values as Array<{ worklogId: number }>).map((v) => v.worklogId);
    assert.ok(gone.length > 0);
    assert.ok(!(all.json.values as Array<{ worklogId: number }>).some((v) => gone.includes(v.worklogId)));
    assert.deepEqual((await c.post('/rest/api/3/worklog/list', { ids: gone })).json, []);
    assert.equal((await c.post('/rest/api/3/worklog/list', { ids: [] })).status, 400, 'an empty list is refused (spec: 400 if empty)');
    assert.equal((await c.post('/rest/api/3/worklog/list', { ids: Array.from({ length: 1001 }, (_x, i) => i + 1) })).status, 400);
  });
});
