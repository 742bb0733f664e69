// The byte budget of bodies held ahead (issue 12, item 8): one batch until a size is known, then as
// many as fit; a fetch never waits when nothing is held or in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyBudget } from '../../../src/streams/body-budget.js';

const tick = () => new Promise((r) => setImmediate(r));

test('body budget: one batch before any size is known, then as many as fit, and room again once emitted', async () => {
  const budget = new BodyBudget(100);
  const first = await budget.enter();
  let second: number | undefined;
  void budget.enter().then((r) => (second = r));
  await tick();
  assert.equal(second, undefined, 'waits: the first batch may fill the budget');
  budget.arrived(first, 30); // batches are ~30 bytes: held 30, so two more fit (30 + 30 + 30 <= 100)
  await tick();
  assert.equal(second, 30);
  const third = await budget.enter();
  let fourth: number | undefined;
  void budget.enter().then((r) => (fourth = r));
  await tick();
  assert.equal(fourth, undefined, '30 held + 60 reserved + 30 more > 100');
  budget.emitted(30);
  await tick();
  assert.equal(fourth, 30);
  budget.arrived(second, 30);
  budget.arrived(third, 30);
  budget.arrived(fourth!, 30);
});

test('body budget: a batch larger than the whole budget still goes, alone', async () => {
  const budget = new BodyBudget(100);
  budget.arrived(await budget.enter(), 500);
  let next: number | undefined;
  void budget.enter().then((r) => (next = r));
  await tick();
  assert.equal(next, undefined);
  budget.emitted(500);
  await tick();
  assert.equal(next, 500, 'nothing held or in flight: it starts');
});
