// The streams derived from the issues walk (issue_links, sprint_issues), through the real Airbyte CLI:
// selected with issues they cost no request per issue (one GET /field per run finds the Sprint
// field); selected alone they walk on their own and keep their own states; streams
// of the walk with different saved states get a walk each; a second run re-emits the full link and
// sprint sets of every changed issue, so removals are seen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, logs, sim } from './issues-harness.js';
import { currentRows, linkKey, readWalk, RIDERS, sprintKey, truthLinkRows, truthSprintRows, WALK } from './riders-harness.js';
import type { JsonObject } from '../../src/streams/stream.js';
import { airbyteBin, runCli, writeJsonFiles } from '../helpers/run-cli.js';

const sorted = (xs: string[]) => [...xs].sort();

for (const mode of ['cloud', 'datacenter'] as const) {
  test(`riders (${mode}): with issues in one run, no extra request per issue; rows equal the truth; each rider's states follow the walk's`, async () => {
    const s = await sim({ issues: 600, mode, now: Date.now() - 3_600_000 });
    try {
      const config = configFor(s, { page_size: 50 }, mode);
      const alone = await readWalk(config, ['issues']);
      assert.equal(alone.code, 0, alone.stderr);
      const aloneCounts = s.control.requestCounts();
      s.control.resetRequestLog();
      const all = await readWalk(config, WALK);
      assert.equal(all.code, 0, all.stderr);
      const counts = s.control.requestCounts();
      const field = Object.keys(counts).filter((k) => k.endsWith('/field'));
      assert.equal(field.length, 1, 'one GET /field (the typed columns of issues and the Sprint field share it)');
      assert.equal(counts[field[0]!], 1);
      assert.deepEqual(counts, aloneCounts, 'the same requests as issues alone (which reads /field once for its typed columns)');
      assert.equal(all.records('issues').length, alone.records('issues').length);

      assert.deepEqual(sorted(all.records('issue_links').map(linkKey)), truthLinkRows(s), 'every side of every link');
      assert.ok(all.records('issue_links').length > 50);
      assert.deepEqual(sorted(all.records('sprint_issues').map(sprintKey)), truthSprintRows(s), 'every issue in a sprint');
      assert.ok(all.records('sprint_issues').length > 50);
      // A link reads the same from both of its issues.
      const byId = new Map<string, JsonObject[]>();
      for (const r of all.records('issue_links')) byId.set(String(r.id), [...(byId.get(String(r.id)) ?? []), r]);
      for (const [id, sides] of byId) {
        assert.equal(sides.length, 2, `link ${id} shows on both issues`);
        const [a, b] = sides as [JsonObject, JsonObject];
        assert.deepEqual([a.from_issue_id, a.to_issue_id, a.type_id], [b.from_issue_id, b.to_issue_id, b.type_id]);
        assert.notEqual(a.direction, b.direction);
      }
      const truthLink = s.control.links()[0]!;
      const row = all.records('issue_links').find((r) => r.id === truthLink.id)!;
      assert.deepEqual([row.from_issue_id, row.to_issue_id, row.type_id], [truthLink.fromId, truthLink.toId, truthLink.typeId], 'from <outward> to, as linked');
      for (const rider of RIDERS) assert.deepEqual(all.states(rider), all.states('issues'), `${rider}: the walk's states, under its own name`);
      // Each rider's STATE comes right after the walk's.
      const order = all.messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_descriptor.name);
      assert.deepEqual(order.slice(0, 3), ['issues', 'issue_links', 'sprint_issues']);
    } finally {
      await s.close();
    }
  });
}

test('riders alone: their own walk and their own states; the next run re-emits the full sets of the changed issues', async () => {
  const s = await sim({ issues: 500, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s, { page_size: 100 });
    const first = await readWalk(config, RIDERS);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(sorted(first.records('issue_links').map(linkKey)), truthLinkRows(s));
    assert.deepEqual(sorted(first.records('sprint_issues').map(sprintKey)), truthSprintRows(s));
    assert.deepEqual(first.lastStates.issue_links, first.lastStates.sprint_issues, 'one walk served both');
    assert.match(String(first.lastStates.issue_links?.cursor), /^\d{4}-/);
    assert.equal(logs(first.messages, 'INFO').filter((l) => l.includes('reading updated in')).length, 1, 'one walk');
    const requests = s.control.requestCounts();
    assert.ok(requests['POST /rest/api/3/issue/bulkfetch']! >= 5);

    // Changes: a new link, a removed one, an issue moved to another sprint, one to the backlog.
    const t = s.control.truth();
    const oldLink = s.control.links()[0]!;
    const newLink = s.control.linkIssues(t[3]!.id, t[4]!.id, { typeId: '10002' });
    s.control.unlinkIssues(oldLink.id);
    const inSprint = s.control.sprintMembership();
    const moved = inSprint[0]!;
    const other = inSprint.find((m) => m.sprintId !== moved.sprintId)!;
    s.control.moveToSprint([moved.issueId], other.sprintId);
    s.control.moveToSprint([inSprint[1]!.issueId], null);
    const changed = new Set([t[3]!.id, t[4]!.id, oldLink.fromId, oldLink.toId, moved.issueId, inSprint[1]!.issueId]);
    await new Promise((r) => setTimeout(r, 50));
    s.control.resetRequestLog();

    const second = await readWalk(configFor(s, { page_size: 100, lookback_minutes: 0 }), ['issue_links'], { states: { issue_links: first.lastStates.issue_links! } });
    assert.equal(second.code, 0, second.stderr);
    const links = second.records('issue_links');
    const seen = new Set(links.map((r) => String(r.issue_id)));
    for (const id of [t[3]!.id, t[4]!.id]) assert.ok(links.some((r) => r.issue_id === id && r.id === newLink), `the new link from issue ${id}`);
    assert.ok(!links.some((r) => r.id === oldLink.id), 'the removed link is not emitted again');
    for (const id of [oldLink.fromId, oldLink.toId]) {
      // Its issues were re-read: each row it has now carries its new `updated`, so the old row is stale.
      const now = truthLinkRows(s).filter((k) => k.startsWith(`${id}/`));
      assert.deepEqual(sorted(links.filter((r) => r.issue_id === id).map(linkKey)), now, `issue ${id}: its full current set`);
    }
    for (const id of seen) assert.ok(changed.has(id) || links.length < 30, `issue ${id} was not changed`);
    assert.equal(s.control.requestCounts()['GET /rest/api/3/field'] ?? 0, 0, 'issue_links alone needs no /field');

    const sprints = await readWalk(configFor(s, { page_size: 100, lookback_minutes: 0 }), ['sprint_issues'], { states: { sprint_issues: first.lastStates.sprint_issues! } });
    assert.equal(sprints.code, 0, sprints.stderr);
    const rows = sprints.records('sprint_issues');
    assert.deepEqual(rows.filter((r) => r.issue_id === moved.issueId).map(sprintKey), [`${other.sprintId}-${moved.issueId}`], 'the moved issue: its new sprint');
    assert.ok(!rows.some((r) => r.issue_id === inSprint[1]!.issueId), 'the issue sent to the backlog has no row: its old one is stale');
  } finally {
    await s.close();
  }
});

test('streams of the walk with different saved states get a walk each; equal states share one', async () => {
  const s = await sim({ issues: 300, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s, { page_size: 100 });
    const first = await readWalk(config, ['issues']);
    assert.equal(first.code, 0, first.stderr);
    s.control.updateIssues(5);
    await new Promise((r) => setTimeout(r, 20));
    // issues resumes from its state; the riders, selected for the first time, start from start_date.
    const r = await readWalk(config, WALK, { states: { issues: first.lastStates.issues! } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(logs(r.messages, 'INFO').filter((l) => l.includes('reading updated in')).length, 2, 'two walks: one per starting point');
    assert.ok(r.records('issues').length < 50, 'issues read only what changed');
    assert.deepEqual(sorted(r.records('issue_links').map(linkKey)), truthLinkRows(s), 'the riders read everything');
    assert.deepEqual(r.lastStates.issue_links, r.lastStates.sprint_issues);
    const statuses = (name: string) => r.messages.filter((m) => m.trace?.stream_status?.stream_descriptor.name === name).map((m) => m.trace.stream_status.status);
    for (const name of WALK) assert.deepEqual(statuses(name).at(-1), 'COMPLETE', name);
  } finally {
    await s.close();
  }
});

test('riders alone on Data Center: each reads its own walk (search rows with only the fields it needs) and equals the truth', async () => {
  const s = await sim({ issues: 300, mode: 'datacenter', now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s, { page_size: 100 }, 'datacenter');
    const links = await readWalk(config, ['issue_links']);
    assert.equal(links.code, 0, links.stderr);
    assert.deepEqual(sorted(links.records('issue_links').map(linkKey)), truthLinkRows(s));
    const sprints = await readWalk(config, ['sprint_issues']);
    assert.equal(sprints.code, 0, sprints.stderr);
    assert.deepEqual(sorted(sprints.records('sprint_issues').map(sprintKey)), truthSprintRows(s), 'from the Data Center Sprint strings');
    assert.ok(sprints.records('sprint_issues').every((r) => typeof r.board_id === 'number'), 'the board id read from rapidViewId');
  } finally {
    await s.close();
  }
});

test('sprint_issues: an issue carried over lists every sprint it was in; closing a sprint carries its unfinished issues and the next run emits both rows', async () => {
  const s = await sim({ issues: 600, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s, { page_size: 100, lookback_minutes: 0 });
    const first = await readWalk(config, ['sprint_issues']);
    assert.equal(first.code, 0, first.stderr);
    const perIssue = new Map<string, number>();
    for (const r of first.records('sprint_issues')) perIssue.set(String(r.issue_id), (perIssue.get(String(r.issue_id)) ?? 0) + 1);
    assert.ok([...perIssue.values()].some((n) => n >= 2), 'some seeded issues were carried over: two rows');

    const active = (await (await fetch(`${s.url}/rest/agile/1.0/board/1/sprint?state=active`, { headers: { authorization: 'Basic ' + Buffer.from('demo@example.com:demo-token').toString('base64') } })).json()) as { values: Array<{ id: number }> };
    const sprint = active.values[0]!.id;
    const members = s.control.sprintMembership().filter((m) => m.sprintId === sprint).map((m) => m.issueId);
    assert.ok(members.length >= 1);
    s.control.updateEntity('sprint', String(sprint), { state: 'closed' });
    const carried = s.control.sprintMembership().filter((m) => members.includes(m.issueId) && m.sprintId !== sprint).map((m) => m.issueId);
    assert.ok(carried.length >= 1, 'unfinished issues moved on to the next sprint');
    await new Promise((r) => setTimeout(r, 20));
    const second = await readWalk(config, ['sprint_issues'], { states: { sprint_issues: first.lastStates.sprint_issues! } });
    assert.equal(second.code, 0, second.stderr);
    for (const id of carried) {
      const now = truthSprintRows(s).filter((k) => k.endsWith(`-${id}`));
      assert.ok(now.includes(`${sprint}-${id}`) && now.length >= 2);
      assert.deepEqual(sorted(second.records('sprint_issues').filter((r) => r.issue_id === id).map(sprintKey)), now, `issue ${id}: the closed sprint and the next one`);
    }
  } finally {
    await s.close();
  }
});

test('issues with its typed columns and sprint_issues in one walk: the Sprint field is read whole for the rider and typed for the column, and both agree', async () => {
  const s = await sim({ issues: 300, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s, { page_size: 50 });
    const files = writeJsonFiles({ config });
    const discovered = await runCli(airbyteBin, ['discover', '--config', files.config!]);
    const streams = discovered.messages.find((m) => m.type === 'CATALOG')!.catalog.streams.filter((x: { name: string }) => x.name === 'issues' || x.name === 'sprint_issues');
    assert.ok(streams[0].json_schema.properties.sprint, 'discover typed the Sprint field as a column');
    const catalog = { streams: streams.map((stream: { name: string }) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) };
    const r = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', writeJsonFiles({ catalog }).catalog!], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const records = (name: string) => r.messages.filter((m) => m.type === 'RECORD' && m.record.stream === name).map((m) => m.record.data as JsonObject);
    const bySprintRows = new Map<string, number[]>();
    for (const row of records('sprint_issues')) bySprintRows.set(String(row.issue_id), [...(bySprintRows.get(String(row.issue_id)) ?? []), Number(row.sprint_id)]);
    const issues = records('issues');
    assert.equal(issues.length, 300);
    let inSprints = 0;
    for (const issue of issues) {
      const typed = (issue.sprint as number[] | null) ?? [];
      if (typed.length > 0) inSprints++;
      assert.deepEqual([...typed].sort(), [...(bySprintRows.get(String(issue.id)) ?? [])].sort(), `issue ${String(issue.id)}: column sprint and the sprint_issues rows`);
    }
    assert.ok(inSprints > 30, `issues in sprints: ${inSprints}`);
  } finally {
    await s.close();
  }
});
