import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogPlan, pagesOf, type ListSpec, type SiteLists } from '../../../bench/catalog-model.js';

test('pagesOf: PageBeans end on isLast, bare arrays need the empty page, refused lists cost their one request', () => {
  assert.equal(pagesOf(0, 'pageBean', 50), 1);
  assert.equal(pagesOf(50, 'pageBean', 50), 1);
  assert.equal(pagesOf(51, 'pageBean', 50), 2);
  assert.equal(pagesOf(500, 'bareArray', 1000), 2);
  assert.equal(pagesOf(2000, 'bareArray', 1000), 3);
  assert.equal(pagesOf(10_000, 'single', Infinity), 1);
  assert.equal(pagesOf('refused', 'pageBean', 50), 1);
});

const lists: ListSpec[] = [
  { stream: 'groups', kind: 'pageBean', cap: 50 },
  { stream: 'group_members', kind: 'pageBean', cap: 50, parent: 'groups' },
  { stream: 'labels', kind: 'single', cap: Infinity },
];
const site: SiteLists = {
  groups: { keys: [['a'], ['b']] },
  group_members: { keys: new Array(520).fill(['x']), perParent: { a: 500, b: 20 } },
  labels: { keys: [['l']] },
};

test('a parent list read by a child is counted once; its children chain their pages after it', () => {
  const p = catalogPlan(site, ['groups', 'group_members', 'labels'], 8, lists);
  // /myself + groups 1 + members 10 + 1 + labels 1
  assert.equal(p.requests, 14);
  assert.deepEqual(p.byStream, { groups: 1, group_members: 11, labels: 1 });
  // myself -> groups -> 10 sequential pages of group a
  assert.equal(p.criticalPath, 12);
  assert.equal(p.rounds, 12, 'with 8 slots the chain binds');
  assert.equal(catalogPlan(site, ['group_members', 'groups'], 8, lists).requests, 13, 'selecting the parent after its child reads it no more');
});

test('rounds: one slot runs the requests one by one; enough slots leave the longest chain', () => {
  assert.equal(catalogPlan(site, ['groups', 'group_members', 'labels'], 1, lists).rounds, 14);
  assert.equal(catalogPlan(site, ['groups', 'group_members', 'labels'], 64, lists).rounds, 12);
  // 2 slots: 14 requests need at least 7 rounds, and the 12-long chain binds.
  assert.equal(catalogPlan(site, ['groups', 'group_members', 'labels'], 2, lists).rounds, 12);
});

test('wide fan-outs are slot-bound: 1 + 1 + ⌈40 / 8⌉ rounds for 40 one-page children', () => {
  const wide: SiteLists = { groups: { keys: Array.from({ length: 40 }, (_x, i) => [String(i)]) }, group_members: { keys: new Array(40).fill(['x']), perParent: Object.fromEntries(Array.from({ length: 40 }, (_x, i) => [String(i), 1])) } };
  const p = catalogPlan(wide, ['group_members'], 8, lists);
  assert.equal(p.requests, 42);
  assert.equal(p.rounds, 2 + 5);
});

test('a child whose parent row is unknown is a model error, not a silent zero', () => {
  const bad: SiteLists = { ...site, group_members: { keys: [['x']], perParent: { zzz: 1 } } };
  assert.throws(() => catalogPlan(bad, ['group_members'], 8, lists), /parent zzz is not a row of groups/);
  assert.throws(() => catalogPlan(site, ['nope'], 8, lists), /no list for stream nope/);
});
