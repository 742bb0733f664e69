// The riders' pure parts: Sprint field values (Cloud objects, Data Center strings), link rows from
// both sides of a link, and which planned streams share one read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSprintField, sprintRefs, SPRINT_FIELD_TYPE } from '../../../src/streams/riders/sprint-field.js';
import { sprintIssuesRider } from '../../../src/streams/riders/sprint-issues.js';
import { issueLinksRider } from '../../../src/streams/riders/issue-links.js';
import { readUnits } from '../../../src/shared-reads.js';
import { allStreams } from '../../../src/streams/registry.js';
import type { PlannedStream } from '../../../src/source.js';
import type { StreamContext } from '../../../src/streams/stream.js';

test('Sprint field values: Cloud objects and Data Center strings (a goal with commas and brackets) give the same ids; other shapes are left out', () => {
  assert.deepEqual(sprintRefs([{ id: 12, boardId: 3, name: 'S', state: 'closed' }, { id: '13' }]), [{ id: 12, boardId: 3 }, { id: 13, boardId: null }]);
  const dc = 'com.atlassian.greenhopper.service.sprint.Sprint@5e1f[id=12,rapidViewId=3,state=CLOSED,name=Sprint 1, the big one,startDate=2026-01-01T00:00:00.000Z,goal=a, b [c], id=99]';
  assert.deepEqual(sprintRefs([dc, 'com.atlassian.greenhopper.service.sprint.Sprint@1[id=14,rapidViewId=3]']), [{ id: 12, boardId: 3 }, { id: 14, boardId: 3 }]);
  assert.deepEqual(sprintRefs(null), []);
  assert.deepEqual(sprintRefs(['not a sprint', 7, { name: 'no id' }]), []);
});

test('a link gives one row on each of its issues, same id, same from/to, opposite directions', async () => {
  const member = await issueLinksRider.prepare({} as StreamContext);
  const type = { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' };
  const onA = member.records({ id: '1', key: 'A-1', picked: { updated: '2026-01-01T10:00:00.000+0545', issuelinks: [{ id: '77', type, outwardIssue: { id: '2', key: 'A-2' } }] }, read: [], fields: {} });
  const onB = member.records({ id: '2', key: 'A-2', picked: { updated: '2026-01-02T10:00:00.000+0000', issuelinks: [{ id: '77', type, inwardIssue: { id: '1', key: 'A-1' } }, { bad: true }] }, read: [], fields: {} });
  assert.equal(onA.length, 1);
  assert.equal(onB.length, 1);
  const [a, b] = [onA[0]!, onB[0]!];
  assert.deepEqual([a.id, a.from_issue_key, a.to_issue_key, a.direction, a.linked_issue_id], ['77', 'A-1', 'A-2', 'outward', '2']);
  assert.deepEqual([b.id, b.from_issue_key, b.to_issue_key, b.direction, b.linked_issue_id], ['77', 'A-1', 'A-2', 'inward', '1']);
  assert.equal(a.issue_updated, '2026-01-01T04:15:00.000Z', 'the issue updated in UTC');
  assert.deepEqual(member.records({ id: '3', key: 'A-3', picked: { updated: null }, read: [], fields: {} }), []);
});

test('planned streams of the walk with equal starting points form one unit, at the first one\'s place; others stay alone', () => {
  const byName = (n: string) => allStreams().find((s) => s.name === n)!;
  const p = (name: string, state?: Record<string, unknown>, syncMode: 'incremental' | 'full_refresh' = 'incremental'): PlannedStream => ({ stream: byName(name), syncMode, ...(state ? { state } : {}) });
  const names = (units: PlannedStream[][]) => units.map((u) => u.map((x) => x.stream.name));
  assert.deepEqual(names(readUnits([p('projects'), p('issue_links'), p('issues'), p('users'), p('sprint_issues')])), [['projects'], ['issue_links', 'issues', 'sprint_issues'], ['users']]);
  const cursor = { cursor: '2026-01-01T00:00:00.000Z' };
  assert.deepEqual(names(readUnits([p('issues', cursor), p('issue_links'), p('sprint_issues', cursor)])), [['issues', 'sprint_issues'], ['issue_links']]);
  assert.deepEqual(names(readUnits([p('issues', undefined, 'full_refresh'), p('issue_links')])), [['issues'], ['issue_links']], 'a full refresh does not share with an incremental read');
  assert.deepEqual(names(readUnits([p('issues', undefined, 'full_refresh'), p('issue_links', cursor, 'full_refresh')])), [['issues', 'issue_links']], 'a full refresh ignores the saved state');
});

test('the Sprint field is found by its type, else by name; a site without one gives a WARN and no rows', async () => {
  const fields = (list: unknown[]) => {
    const asked: string[] = [];
    const warned: string[] = [];
    const ctx = {
      config: { base_url: 'https://example.atlassian.net', credentials: { auth_type: 'api_token', email: 'a@b.c', api_token: 't' } },
      http: { json: async (req: { path: string }) => (asked.push(req.path), list), close: async () => {} },
      logger: { debug() {}, info() {}, warn: (m: string) => warned.push(m), error() {} },
    } as unknown as StreamContext;
    return { ctx, asked, warned };
  };
  const byType = fields([{ id: 'customfield_1', name: 'Sprint', custom: true, schema: { custom: 'other:gh-sprint' } }, { id: 'customfield_2', name: 'Iteration', custom: true, schema: { custom: SPRINT_FIELD_TYPE } }]);
  assert.equal(await findSprintField(byType.ctx), 'customfield_2', 'the type wins over the name');
  assert.deepEqual(byType.asked, ['/rest/api/3/field']);
  const byName = fields([{ id: 'summary', name: 'Summary', custom: false }, { id: 'customfield_9', name: 'Sprint', custom: true, schema: { custom: 'com.atlassian.jira.plugin.system.customfieldtypes:gh-sprint' } }]);
  assert.equal(await findSprintField(byName.ctx), 'customfield_9');
  const none = fields([{ id: 'summary', name: 'Summary', custom: false }]);
  const member = await sprintIssuesRider.prepare(none.ctx);
  assert.equal(none.warned.length, 1);
  assert.match(none.warned[0]!, /no Sprint field/);
  assert.deepEqual(member.records({ id: '1', key: 'A-1', picked: {}, read: [], fields: {} }), []);
  await assert.rejects(findSprintField(fields({} as unknown as unknown[]).ctx), /GET \/rest\/api\/3\/field with a page that breaks its paging contract \(not a JSON array\)/, 'an answer that is not a list is named');
});
