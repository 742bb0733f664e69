// Fidelity: every endpoint's response validates against Jira's own OpenAPI response schema, and the
// issue field values against the schemas of their types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ValidateFunction } from 'ajv';
import { Client, PAT, withSim } from './helpers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_DIR, SpecValidator } from './openapi.js';

const platform = new SpecValidator('jira-platform-v3.json', 'platform');
const agile = new SpecValidator('jira-software-agile.json', 'agile');

// The spec's IssueLink doubles as the create-link request and requires both sides; in an issue's
// `issuelinks` each link names only the other issue, as inwardIssue or outwardIssue: exactly one.
const issueLinkBean = (JSON.parse(readFileSync(join(SPEC_DIR, 'jira-platform-v3.json'), 'utf8')) as { components: { schemas: Record<string, { properties: unknown }> } }).components.schemas.IssueLink!;
const issueLinkInIssue = platform.compile({
  type: 'object', additionalProperties: false, properties: issueLinkBean.properties, required: ['id', 'type'],
  oneOf: [{ required: ['inwardIssue'] }, { required: ['outwardIssue'] }],
});

function check(v: ValidateFunction, body: unknown, what: string): void {
  const ok = v(body);
  assert.ok(ok, `${what}: ${JSON.stringify(v.errors?.slice(0, 5), null, 1)}`);
}

const FIELD_TYPES: Record<string, string> = {
  status: 'StatusDetails', issuetype: 'IssueTypeDetails', priority: 'Priority', project: 'ProjectDetails',
  reporter: 'UserDetails', creator: 'UserDetails', assignee: 'UserDetails', resolution: 'Resolution',
  comment: 'PageOfComments', worklog: 'PageOfWorklogs', customfield_10033: 'UserDetails',
};

function checkIssueFields(issues: Array<{ fields?: Record<string, unknown> }>, what: string): void {
  for (const issue of issues) {
    for (const [f, v] of Object.entries(issue.fields ?? {})) {
      if (v === null) continue;
      const type = FIELD_TYPES[f];
      if (type) check(platform.component(type), v, `${what} field ${f}`);
      if (f === 'components') for (const c of v as unknown[]) check(platform.component('ProjectComponent'), c, `${what} component`);
      if (f === 'fixVersions') for (const c of v as unknown[]) check(platform.component('Version'), c, `${what} version`);
      if (f === 'issuelinks') for (const l of v as unknown[]) check(issueLinkInIssue, l, `${what} issue link`);
    }
  }
}

test('Cloud v3 responses validate against Jira’s OpenAPI schemas', async () => {
  // No feed delay: the worklog feeds and worklog/list show the churn's new, edited and deleted worklogs too.
  await withSim({ issues: 400, worklogFeedDelayMs: 0 }, async (sim, c) => {
    // Changes after seeding too (extra comments, worklogs, changelog items, edited and deleted worklogs).
    sim.control.startChurn({ updatesPerSecond: 500, commentsPerSecond: 500, worklogsPerSecond: 500 });
    await new Promise((r) => setTimeout(r, 100));
    sim.control.stopChurn();
    const truth = sim.control.truth();
    const heavy = truth[5]!.id; // seeded with more than 20 comments and 40 changelog entries
    const cases: Array<[string, string, string, () => Promise<{ status: number; json: unknown }>]> = [
      ['GET', '/rest/api/3/myself', 'myself', () => c.get('/rest/api/3/myself')],
      ['GET', '/rest/api/3/serverInfo', 'serverInfo', () => c.get('/rest/api/3/serverInfo')],
      ['GET', '/rest/api/3/field', 'field', () => c.get('/rest/api/3/field')],
      ['GET', '/rest/api/3/project/search', 'project/search', () => c.get('/rest/api/3/project/search', { maxResults: 2 })],
      ['GET', '/rest/api/3/search/jql', 'search/jql ids', () => c.get('/rest/api/3/search/jql', { jql: 'created > 0', maxResults: 3 })],
      ['GET', '/rest/api/3/search/jql', 'search/jql *all', () => c.get('/rest/api/3/search/jql', { jql: `id = ${heavy} OR project = WEB`, maxResults: 30, fields: '*all', expand: 'changelog' })],
      ['POST', '/rest/api/3/search/jql', 'search/jql POST', () => c.post('/rest/api/3/search/jql', { jql: 'project = OPS', fields: ['key', 'updated'], maxResults: 5 })],
      ['POST', '/rest/api/3/search/approximate-count', 'approximate-count', () => c.post('/rest/api/3/search/approximate-count', { jql: 'project = OPS' })],
      ['POST', '/rest/api/3/issue/bulkfetch', 'bulkfetch', () => c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: truth.slice(0, 100).map((t) => t.id), fields: ['*all'], expand: ['changelog'] })],
      ['GET', '/rest/api/3/issue/{issueIdOrKey}', 'issue', () => c.get(`/rest/api/3/issue/${heavy}`, { expand: 'changelog' })],
      ['GET', '/rest/api/3/issue/{issueIdOrKey}/comment', 'comments', () => c.get(`/rest/api/3/issue/${heavy}/comment`)],
      ['GET', '/rest/api/3/issue/{issueIdOrKey}/worklog', 'worklogs', () => c.get(`/rest/api/3/issue/${heavy}/worklog`)],
      ['GET', '/rest/api/3/issue/{issueIdOrKey}/changelog', 'changelog', () => c.get(`/rest/api/3/issue/${heavy}/changelog`, { maxResults: 10 })],
      ['POST', '/rest/api/3/changelog/bulkfetch', 'changelog/bulkfetch', () => c.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: truth.slice(0, 50).map((t) => t.key), maxResults: 20 })],
      ['GET', '/rest/api/3/worklog/updated', 'worklog/updated', () => c.get('/rest/api/3/worklog/updated', { since: 0 })],
      ['GET', '/rest/api/3/worklog/deleted', 'worklog/deleted', async () => {
        const r = await c.get('/rest/api/3/worklog/deleted', { since: 0 });
        assert.ok((r.json as { values: unknown[] }).values.length > 0, 'the churn deleted worklogs');
        return r;
      }],
      ['POST', '/rest/api/3/worklog/list', 'worklog/list', async () => {
        const feed = await c.get('/rest/api/3/worklog/updated', { since: 0 });
        const values = (feed.json as { values: Array<{ worklogId: number }> }).values;
        return c.post('/rest/api/3/worklog/list', { ids: [...values.slice(0, 10), ...values.slice(-10)].map((v) => v.worklogId) });
      }],
      ['GET', '/rest/api/3/users/search', 'users/search', () => c.get('/rest/api/3/users/search', { maxResults: 100 })],
      ['GET', '/rest/api/3/status', 'status', () => c.get('/rest/api/3/status')],
      ['GET', '/rest/api/3/statuscategory', 'statuscategory', () => c.get('/rest/api/3/statuscategory')],
      ['GET', '/rest/api/3/priority', 'priority', () => c.get('/rest/api/3/priority')],
      ['GET', '/rest/api/3/issuetype', 'issuetype', () => c.get('/rest/api/3/issuetype')],
      ['GET', '/rest/api/3/resolution', 'resolution', () => c.get('/rest/api/3/resolution')],
      ['GET', '/rest/api/3/project/{projectIdOrKey}/versions', 'versions', () => c.get('/rest/api/3/project/WEB/versions')],
      ['GET', '/rest/api/3/project/{projectIdOrKey}/components', 'components', () => c.get('/rest/api/3/project/10001/components')],
      ['GET', '/rest/api/3/priority/search', 'priority/search', () => c.get('/rest/api/3/priority/search', { maxResults: 2 })],
      ['GET', '/rest/api/3/resolution/search', 'resolution/search', () => c.get('/rest/api/3/resolution/search')],
      ['GET', '/rest/api/3/issueLinkType', 'issueLinkType', () => c.get('/rest/api/3/issueLinkType')],
      ['GET', '/rest/api/3/projectCategory', 'projectCategory', () => c.get('/rest/api/3/projectCategory')],
      ['GET', '/rest/api/3/project/{projectIdOrKey}/version', 'version page', () => c.get('/rest/api/3/project/10001/version', { maxResults: 2 })],
      ['GET', '/rest/api/3/project/{projectIdOrKey}/component', 'component page', () => c.get('/rest/api/3/project/WEB/component')],
      ['GET', '/rest/api/3/label', 'label', () => c.get('/rest/api/3/label', { maxResults: 3 })],
      ['GET', '/rest/api/3/field/{fieldId}/context', 'field contexts', () => c.get('/rest/api/3/field/customfield_10031/context')],
      ['GET', '/rest/api/3/field/{fieldId}/context/{contextId}/option', 'context options', () => c.get('/rest/api/3/field/customfield_10032/context/10301/option')],
      ['GET', '/rest/api/3/group/bulk', 'group/bulk', () => c.get('/rest/api/3/group/bulk')],
      ['GET', '/rest/api/3/group/member', 'group/member', async () => {
        const groups = await c.get('/rest/api/3/group/bulk');
        return c.get('/rest/api/3/group/member', { groupId: groups.json.values[1].groupId, includeInactiveUsers: 'true' });
      }],
      ['GET', '/rest/api/3/filter/search', 'filter/search', () => c.get('/rest/api/3/filter/search', { expand: 'description,owner,jql' })],
    ];
    for (const [method, path, what, call] of cases) {
      const r = await call();
      assert.equal(r.status, 200, what);
      check(platform.forResponse(path, method), r.json, what);
      const issues = what === 'issue' ? [r.json as { fields?: Record<string, unknown> }] : (r.json as { issues?: Array<{ fields?: Record<string, unknown> }> }).issues;
      if (issues) checkIssueFields(issues, what);
      if (Array.isArray(r.json)) assert.ok(r.json.length > 0, `${what} returned nothing`);
    }
  });
});

test('agile responses validate against the Jira Software OpenAPI schemas', async () => {
  await withSim({ issues: 2000 }, async (_sim, c) => {
    const boards = await c.get('/rest/agile/1.0/board');
    check(agile.forResponse('/rest/agile/1.0/board', 'GET'), boards.json, 'board');
    const sprints = await c.get('/rest/agile/1.0/board/1/sprint');
    // The agile spec gives these two responses as examples only: the page envelope is checked against
    // the board page's, each sprint against SprintBean, the sprint's issues against the platform's
    // SearchResults (same envelope).
    const { values, ...envelope } = sprints.json;
    check(agile.forResponse('/rest/agile/1.0/board', 'GET'), { ...envelope, values: [] }, 'sprint page');
    for (const s of values) check(agile.component('SprintBean'), s, 'sprint');
    const kanban = boards.json.values.find((b: { type: string }) => b.type === 'kanban');
    const refused = await c.get(`/rest/agile/1.0/board/${kanban.id}/sprint`);
    assert.equal(refused.status, 400, 'a kanban board answers its sprint list with 400');
    check(platform.component('ErrorCollection'), refused.json, 'kanban sprint 400');
    for (const b of boards.json.values) {
      check(agile.forResponse('/rest/agile/1.0/board/{boardId}/configuration', 'GET'), (await c.get(`/rest/agile/1.0/board/${b.id}/configuration`)).json, 'board configuration');
    }
    const closed = sprints.json.values.find((s: { state: string }) => s.state === 'closed');
    const issues = await c.get(`/rest/agile/1.0/sprint/${closed.id}/issue`);
    assert.ok(issues.json.total > 0);
    check(platform.forResponse('/rest/api/3/search', 'GET'), issues.json, 'sprint issues');
    checkIssueFields(issues.json.issues, 'sprint issues');
    // A board's issues: the same envelope, 50 at most a page, the board's filter ANDed with `jql`.
    const onBoard = await c.get('/rest/agile/1.0/board/1/issue', { jql: 'updated >= 0 ORDER BY updated ASC, key ASC', fields: 'updated', maxResults: 500 });
    assert.equal(onBoard.status, 200);
    assert.equal(onBoard.json.issues.length, 50, 'capped at 50');
    assert.ok(onBoard.json.total > 50);
    check(platform.forResponse('/rest/api/3/search', 'GET'), onBoard.json, 'board issues');
    const project = boards.json.values[0].location.projectKey;
    assert.ok(onBoard.json.issues.every((i: { key: string }) => i.key.startsWith(`${project}-`)), 'only the board\'s issues');
    const times = onBoard.json.issues.map((i: { fields: { updated: string } }) => Date.parse(i.fields.updated));
    assert.deepEqual(times, [...times].sort((a: number, b: number) => a - b), 'in the ORDER BY of jql');
    assert.equal((await c.get('/rest/agile/1.0/board/1/issue', { jql: 'updated >= ' })).status, 400, 'bad jql: 400');
  });
});

test('Data Center v2 search and serverInfo validate against the (v2-shaped) schemas', async () => {
  await withSim({ mode: 'datacenter' }, async (sim) => {
    const c = new Client(sim, PAT);
    const s = await c.get('/rest/api/2/search', { jql: 'project = WEB', maxResults: 20 });
    check(platform.forResponse('/rest/api/3/search', 'GET'), s.json, 'DC search');
    checkIssueFields(s.json.issues, 'DC search');
    check(platform.forResponse('/rest/api/3/serverInfo', 'GET'), (await c.get('/rest/api/2/serverInfo')).json, 'DC serverInfo');
    // Data Center's user search: the v3 User bean less accountId, plus key and name.
    const users = await c.get('/rest/api/2/user/search', { username: '.', includeInactive: 'true', maxResults: 5 });
    check(platform.forResponse('/rest/api/3/user/search', 'GET'), users.json, 'DC user/search');
    assert.ok(users.json.every((u: { key?: string; name?: string; accountId?: string }) => u.key && u.name && u.accountId === undefined));
    for (const [path, what] of [['/rest/api/2/project/WEB/versions', 'DC versions'], ['/rest/api/2/project/WEB/components', 'DC components'], ['/rest/api/2/priority', 'DC priority'], ['/rest/api/2/resolution', 'DC resolution'], ['/rest/api/2/issueLinkType', 'DC issueLinkType'], ['/rest/api/2/projectCategory', 'DC projectCategory']] as const) {
      const r = await c.get(path);
      assert.equal(r.status, 200, what);
      check(platform.forResponse(path.replace('/rest/api/2/', '/rest/api/3/').replace('WEB', '{projectIdOrKey}'), 'GET'), r.json, what);
    }
    for (const cloudOnly of ['/rest/api/2/label', '/rest/api/2/group/bulk', '/rest/api/2/filter/search', '/rest/api/2/priority/search']) {
      assert.equal((await c.get(cloudOnly)).status, 404, `${cloudOnly} is Cloud only`);
    }
  });
});

test('after projects, users, boards, sprints, links and sprint membership changed, every endpoint serving them still validates', async () => {
  await withSim({ issues: 400 }, async (sim, c) => {
    const ctl = sim.control;
    const key = 'NEWP';
    ctl.createEntity('project', { key, name: 'New project' });
    ctl.updateEntity('project', key, { name: 'Renamed project' });
    const user = ctl.createEntity('user', { displayName: 'Nora New' });
    ctl.updateEntity('user', user, { active: false });
    const scrum = ctl.createEntity('board', { projectKey: key, name: 'New scrum' });
    const kanban = ctl.createEntity('board', { projectKey: key, type: 'kanban' });
    const sprint = ctl.createEntity('sprint', { boardId: Number(scrum), goal: 'a, b [c]' });
    ctl.updateEntity('sprint', sprint, { state: 'active' });
    const truth = ctl.truth();
    ctl.linkIssues(truth[0]!.id, truth[1]!.id, { typeId: '10003' });
    ctl.moveToSprint([truth[0]!.id], Number(sprint));
    ctl.startChurn({ linksPerSecond: 500, sprintMovesPerSecond: 500, catalogChangesPerSecond: 200 });
    await new Promise((r) => setTimeout(r, 100));
    ctl.stopChurn();
    const projects = await c.get('/rest/api/3/project/search', { maxResults: 100 });
    check(platform.forResponse('/rest/api/3/project/search', 'GET'), projects.json, 'project/search');
    assert.ok(projects.json.values.some((p: { key: string; name: string }) => p.key === key && p.name.startsWith('Renamed project')));
    const users = await c.get('/rest/api/3/users/search', { maxResults: 1000 });
    check(platform.forResponse('/rest/api/3/users/search', 'GET'), users.json, 'users/search');
    assert.ok(users.json.some((u: { accountId: string; active: boolean }) => u.accountId === user && !u.active));
    const boards = await c.get('/rest/agile/1.0/board', { maxResults: 50 });
    check(agile.forResponse('/rest/agile/1.0/board', 'GET'), boards.json, 'board');
    assert.ok(boards.json.values.some((b: { id: number }) => String(b.id) === scrum));
    const sprints = await c.get(`/rest/agile/1.0/board/${scrum}/sprint`);
    for (const s of sprints.json.values) check(agile.component('SprintBean'), s, 'sprint');
    // Churn may have added sprints to this board too: the one made here is listed, active.
    assert.deepEqual(sprints.json.values.filter((s: { id: number }) => String(s.id) === sprint).map((s: { id: number; state: string }) => [String(s.id), s.state]), [[sprint, 'active']]);
    const refused = await c.get(`/rest/agile/1.0/board/${kanban}/sprint`);
    assert.equal(refused.status, 400, 'a kanban board made at run time answers its sprint list with 400');
    check(platform.component('ErrorCollection'), refused.json, 'kanban sprint 400');
    const bulk = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ctl.truth().slice(0, 100).map((t) => t.id), fields: ['*navigable'] });
    check(platform.forResponse('/rest/api/3/issue/bulkfetch', 'POST'), bulk.json, 'bulkfetch');
    checkIssueFields(bulk.json.issues, 'bulkfetch after changes');
    const first = bulk.json.issues.find((i: { id: string }) => i.id === truth[0]!.id);
    assert.ok(first.fields.issuelinks.some((l: { type: { id: string }; outwardIssue?: { id: string } }) => l.type.id === '10003' && l.outwardIssue?.id === truth[1]!.id));
    // Deleted: gone from the lists; a deleted project's pages answer 404.
    ctl.deleteEntity('sprint', sprint);
    ctl.deleteEntity('board', kanban);
    ctl.deleteEntity('user', user);
    ctl.deleteEntity('project', key);
    assert.ok(!(await c.get('/rest/api/3/project/search', { maxResults: 100 })).json.values.some((p: { key: string }) => p.key === key));
    assert.equal((await c.get(`/rest/api/3/project/${key}/versions`)).status, 404);
    check(platform.component('ErrorCollection'), (await c.get(`/rest/api/3/project/${key}/versions`)).json, 'deleted project 404');
    assert.ok(!(await c.get('/rest/api/3/users/search', { maxResults: 1000 })).json.some((u: { accountId: string }) => u.accountId === user));
    assert.ok(!(await c.get('/rest/agile/1.0/board', { maxResults: 50 })).json.values.some((b: { id: number }) => String(b.id) === scrum || String(b.id) === kanban));
  });
});

test('history: edited and deleted comments, and the changelog entries of every change, validate; comment pages cap at 100 on Cloud; Data Center expands the whole changelog', async () => {
  await withSim({ issues: 300 }, async (sim, c) => {
    const ctl = sim.control;
    const truth = ctl.truth();
    const heavy = truth[5]!.id; // seeded with more than 20 comments and 40 changelog entries
    const [deleted] = ctl.changeComments('delete', 1, { ids: [heavy] });
    await new Promise((r) => setTimeout(r, 2));
    const [edited] = ctl.changeComments('edit', 1, { ids: [heavy] });
    const [added] = ctl.addComments(1, { ids: [heavy] });
    ctl.linkIssues(heavy, truth[6]!.id);
    ctl.moveToSprint([heavy], null);
    const page = await c.get(`/rest/api/3/issue/${heavy}/comment`, { maxResults: 5000 });
    check(platform.forResponse('/rest/api/3/issue/{issueIdOrKey}/comment', 'GET'), page.json, 'comments after edits');
    assert.equal(page.json.maxResults, 100, 'Cloud serves at most 100 comments a page');
    const ids = page.json.comments.map((x: { id: string }) => x.id);
    assert.ok(ids.includes(edited) && ids.includes(added) && !ids.includes(deleted), 'the edited and the added comment are listed, the deleted one is not');
    const e = page.json.comments.find((x: { id: string }) => x.id === edited);
    assert.ok(Date.parse(e.updated) > Date.parse(e.created), 'an edited comment has a later `updated`');
    const comments = ctl.listTruth().issue_comments!.keys.map(([id]) => id);
    assert.ok(comments.includes(edited!) && comments.includes(added!) && !comments.includes(deleted!), 'the list truth follows comment changes');
    ctl.startChurn({ commentsPerSecond: 500, commentChangesPerSecond: 500, linksPerSecond: 500, sprintMovesPerSecond: 500 });
    await new Promise((r) => setTimeout(r, 100));
    ctl.stopChurn();
    for (const t of truth.slice(0, 40)) {
      const p = await c.get(`/rest/api/3/issue/${t.id}/comment`);
      check(platform.forResponse('/rest/api/3/issue/{issueIdOrKey}/comment', 'GET'), p.json, 'comments under churn');
    }
    const bulk = await c.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: truth.slice(0, 300).map((t) => t.id), maxResults: 10000 });
    check(platform.forResponse('/rest/api/3/changelog/bulkfetch', 'POST'), bulk.json, 'changelog/bulkfetch after links and sprint moves');
    const fields = new Set(bulk.json.issueChangeLogs.flatMap((l: { changeHistories: Array<{ items: Array<{ field: string }> }> }) => l.changeHistories.flatMap((h) => h.items.map((i) => i.field))));
    assert.ok(fields.has('Link') && fields.has('Sprint'), `links and sprint moves leave changelog entries (${[...fields].join(', ')})`);
    const entries = bulk.json.issueChangeLogs.reduce((n: number, l: { changeHistories: unknown[] }) => n + l.changeHistories.length, 0);
    assert.equal(entries, ctl.listTruth().issue_changelogs!.keys.length, 'one page of changelog/bulkfetch lists every entry of the truth');
  });
  await withSim({ mode: 'datacenter', issues: 300 }, async (sim) => {
    const c = new Client(sim, PAT);
    const heavy = sim.control.truth()[5]!.id;
    const s = await c.get('/rest/api/2/search', { jql: `id = ${heavy}`, fields: 'updated,comment', expand: 'changelog' });
    check(platform.forResponse('/rest/api/3/search', 'GET'), s.json, 'DC search with expand=changelog');
    const log = s.json.issues[0].changelog;
    assert.ok(log.total > 40 && log.histories.length === log.total, 'Data Center expands the whole changelog');
    assert.ok(s.json.issues[0].fields.comment.comments.length < s.json.issues[0].fields.comment.total, 'embedded comments are cut (the connector reads the rest from the pages)');
    const page = await c.get(`/rest/api/2/issue/${heavy}/comment`, { startAt: 20 });
    check(platform.forResponse('/rest/api/3/issue/{issueIdOrKey}/comment', 'GET'), page.json, 'DC comments');
  });
});

test('comment edits and deletions move the issue\'s `updated` or not, as commentChangesMoveUpdated says', async () => {
  for (const moves of [true, false]) {
    await withSim({ issues: 50, commentChangesMoveUpdated: moves }, async (sim) => {
      const ctl = sim.control;
      const id = ctl.truth()[5]!.id;
      const before = ctl.truth().find((t) => t.id === id)!.updated;
      await new Promise((r) => setTimeout(r, 5));
      assert.equal(ctl.changeComments('edit', 1, { ids: [id] }).length, 1);
      assert.equal(ctl.changeComments('delete', 1, { ids: [id] }).length, 1);
      const after = ctl.truth().find((t) => t.id === id)!.updated;
      assert.equal(after > before, moves, `commentChangesMoveUpdated ${moves}`);
    });
  }
});
