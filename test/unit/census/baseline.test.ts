import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Baseline, BIG_BASELINE } from '../../../src/census/baseline.js';
import { decodeCensus, encodeCensus } from '../../../src/census/census-codec.js';

test('baseline: ids noted in any order encode as the census would, each under the project it was last seen in', () => {
  const b = new Baseline();
  const truth = new Map<number, string>();
  // Noted in walk order (by `updated`, not by id), over several STATEs, new projects appearing late.
  const order = Array.from({ length: 5000 }, (_, i) => 10_000 + ((i * 7919) % 5000));
  order.forEach((id, i) => {
    const project = ['WEB', 'APP', 'OPS', 'DATA', 'ZED'][(id * 31) % (i < 2500 ? 3 : 5)]!;
    b.add(project, id);
    truth.set(id, project);
    if (i % 700 === 0) b.encoded();
  });
  // Issues moved while the run read them: emitted again under another project.
  for (const id of [10_001, 14_999, 12_345]) {
    b.add('MOVED', id);
    truth.set(id, 'MOVED');
  }
  b.add('MOVED', 10_001); // again, unchanged
  const byProject = new Map<string, number[]>();
  for (const [id, project] of [...truth].sort((x, y) => x[0] - y[0])) {
    if (!byProject.has(project)) byProject.set(project, []);
    byProject.get(project)!.push(id);
  }
  assert.deepEqual(b.encoded(), encodeCensus(byProject));
  assert.deepEqual(decodeCensus(b.encoded()), new Map([...byProject].sort((x, y) => (x[0] < y[0] ? -1 : 1))));
  assert.equal(b.size, 5000);
});

test('baseline: past BIG_BASELINE ids a STATE is due once the ids grew by a tenth, so a big first run sends O(log N) of them', () => {
  const b = new Baseline();
  let due = 0;
  const n = 200_000;
  for (let id = 1; id <= n; id++) {
    b.add('P', id);
    if (id % 2500 === 0 && b.due()) {
      due++; // a STATE per leaf of 2,500, when due
      b.encoded();
    }
  }
  const below = BIG_BASELINE / 2500;
  assert.ok(due >= below && due <= below + Math.ceil(Math.log(n / BIG_BASELINE) / Math.log(1.1)) + 1, `${due} STATEs`);
  assert.ok(due < n / 2500 / 2, `${due} STATEs of ${n / 2500} leaves`);
  assert.equal(b.encoded().ids, `1-${n}`);
});
