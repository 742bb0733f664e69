// JQL subset: project, dates (user zone, epoch ms, relative), keys, boolean logic, ORDER BY, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TruthIssue } from '../../src/simulator/index.js';
import { Client, keyCompare, withSim } from './helpers.js';

const KTM = 345 * 60_000; // Asia/Kathmandu is UTC+05:45, no DST

function localMinute(ms: number): string {
  const d = new Date(ms + KTM);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
const ids = (xs: TruthIssue[]) => xs.map((t) => t.id);
const byId = (a: TruthIssue, b: TruthIssue) => Number(a.id) - Number(b.id);

async function expectIds(c: Client, jql: string, expected: TruthIssue[]): Promise<void> {
  const got = await c.searchAll(jql, { maxResults: 1000 });
  assert.deepEqual(got, ids(expected), jql);
}

test('project = and project in select by project key, ordered as asked', async () => {
  await withSim({}, async (sim, c) => {
    const truth = sim.control.truth();
    await expectIds(c, 'project = WEB ORDER BY id ASC', truth.filter((t) => t.projectKey === 'WEB'));
    await expectIds(c, 'project in (OPS, DATA) ORDER BY id DESC', truth.filter((t) => ['OPS', 'DATA'].includes(t.projectKey)).reverse());
    await expectIds(c, 'project != WEB AND NOT project = OPS ORDER BY id', truth.filter((t) => !['WEB', 'OPS'].includes(t.projectKey)));
    await expectIds(c, '(project = WEB OR project = APP) AND project != APP ORDER BY id', truth.filter((t) => t.projectKey === 'WEB'));
  });
});

test('updated/created with epoch milliseconds compare exactly to the millisecond', async () => {
  await withSim({}, async (sim, c) => {
    const truth = sim.control.truth();
    const t = [...truth].sort((a, b) => a.updated - b.updated)[150]!.updated;
    const sorted = (xs: TruthIssue[]) => xs.sort((a, b) => a.updated - b.updated || byId(a, b));
    await expectIds(c, `updated >= ${t} ORDER BY updated ASC, id ASC`, sorted(truth.filter((x) => x.updated >= t)));
    await expectIds(c, `updated > ${t} ORDER BY updated ASC, id ASC`, sorted(truth.filter((x) => x.updated > t)));
    await expectIds(c, `updated = ${t} ORDER BY id`, truth.filter((x) => x.updated === t));
    await expectIds(c, `updated < ${t + 1} AND updated <= ${t} ORDER BY updated ASC, id ASC`, sorted(truth.filter((x) => x.updated <= t)));
    const cr = truth[100]!.created;
    await expectIds(c, `created >= ${cr} ORDER BY created DESC`, truth.filter((x) => x.created >= cr).sort((a, b) => b.created - a.created || byId(a, b)));
  });
});

test('quoted date literals are read in the user time zone (Asia/Kathmandu, +05:45) at minute precision', async () => {
  await withSim({}, async (sim, c) => {
    const truth = sim.control.truth();
    const pick = truth[123]!;
    const lit = localMinute(pick.updated);
    const start = Math.floor((pick.updated + KTM) / 60_000) * 60_000 - KTM;
    for (const form of [lit, lit.replace(/\//g, '-')]) {
      await expectIds(c, `updated >= "${form}" ORDER BY id`, truth.filter((x) => x.updated >= start));
      await expectIds(c, `updated < "${form}" ORDER BY id`, truth.filter((x) => x.updated < start));
    }
    // A date without time means local midnight.
    const day = lit.slice(0, 10);
    const midnight = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) - KTM;
    await expectIds(c, `created < "${day}" ORDER BY id`, truth.filter((x) => x.created < midnight));
    await expectIds(c, `created >= "${day.replace(/\//g, '-')}" ORDER BY id`, truth.filter((x) => x.created >= midnight));
  });
});

test('another user time zone moves the literal accordingly', async () => {
  await withSim({ userTimeZone: 'UTC' }, async (sim, c) => {
    const truth = sim.control.truth();
    const lim = Date.UTC(2025, 5, 1, 10, 30);
    await expectIds(c, 'updated >= "2025-06-01 10:30" ORDER BY id', truth.filter((x) => x.updated >= lim));
  });
});

test('relative periods (-5d, -10m, -2h, -1w) count back from now', async () => {
  // History ending now, so relative periods hit data.
  await withSim({ now: Date.now(), issues: 2000 }, async (sim, c) => {
    const truth = sim.control.truth();
    for (const [p, ms] of [['-5d', 5 * 86_400_000], ['-1w', 604_800_000], ['-2h', 7_200_000], ['-10m', 600_000]] as const) {
      const before = Date.now();
      const got = new Set(await c.searchAll(`updated >= ${p} ORDER BY id`, { maxResults: 5000 }));
      const after = Date.now();
      // Every issue updated after the latest possible bound is in; none before the earliest is.
      for (const t of truth) {
        if (t.updated >= after - ms) assert.ok(got.has(t.id), `${p} should include ${t.key}`);
        if (t.updated < before - ms) assert.ok(!got.has(t.id), `${p} should exclude ${t.key}`);
      }
    }
  });
});

test('key and issuekey comparisons work within the key’s project by number', async () => {
  await withSim({}, async (sim, c) => {
    const truth = sim.control.truth();
    const web = truth.filter((t) => t.projectKey === 'WEB').sort(keyCompare);
    await expectIds(c, 'key > "WEB-10" ORDER BY key ASC', web.filter((t) => Number(t.key.split('-')[1]) > 10));
    await expectIds(c, 'issuekey <= WEB-3 ORDER BY key DESC', web.filter((t) => Number(t.key.split('-')[1]) <= 3).reverse());
    await expectIds(c, 'key = WEB-7', web.filter((t) => t.key === 'WEB-7'));
    await expectIds(c, 'key in (WEB-1, OPS-2) ORDER BY key ASC', truth.filter((t) => ['WEB-1', 'OPS-2'].includes(t.key)).sort(keyCompare));
  });
});

test('ORDER BY key sorts by project key then number; several sort fields apply in turn', async () => {
  await withSim({}, async (sim, c) => {
    const truth = sim.control.truth();
    await expectIds(c, 'project in (WEB, OPS, DATA, APP) ORDER BY key ASC', [...truth].sort(keyCompare));
    await expectIds(c, 'project in (WEB, OPS, DATA, APP) ORDER BY issuekey DESC', [...truth].sort(keyCompare).reverse());
    await expectIds(
      c, 'created > 0 ORDER BY updated DESC, key ASC',
      [...truth].sort((a, b) => b.updated - a.updated || keyCompare(a, b)),
    );
    // Without ORDER BY the simulator's documented default is key DESC.
    await expectIds(c, 'created > 0', [...truth].sort(keyCompare).reverse());
  });
});

test('issuetype and status clauses are accepted', async () => {
  await withSim({}, async (_sim, c) => {
    const bugs = await c.searchAll('issuetype = Bug AND status = "To Do" ORDER BY id', { fields: 'issuetype,status' });
    assert.ok(bugs.length > 0);
    const r = await c.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: bugs.slice(0, 50), fields: ['issuetype', 'status'] });
    for (const i of r.json.issues) {
      assert.equal(i.fields.issuetype.name, 'Bug');
      assert.equal(i.fields.status.name, 'To Do');
    }
  });
});

test('invalid JQL answers 400 with the {errorMessages, errors} envelope', async () => {
  await withSim({}, async (_sim, c) => {
    for (const jql of [
      'updated > "2025-13-45"', 'updated > "yesterday"', 'updated > "2025/01/01 10:00:00"', 'foo = bar', 'project = NOPE',
      'project = WEB AND', 'project = WEB ORDER BY summary', '(project = WEB', 'project ~ WEB', 'updated > 12.5',
    ]) {
      const r = await c.get('/rest/api/3/search/jql', { jql });
      assert.equal(r.status, 400, jql);
      assert.ok(Array.isArray(r.json.errorMessages) && r.json.errorMessages.length === 1, jql);
      assert.deepEqual(r.json.errors, {});
    }
  });
});

test('unbounded JQL (empty or only ORDER BY) answers 400 with Jira’s message', async () => {
  await withSim({}, async (_sim, c) => {
    for (const jql of ['', 'ORDER BY key DESC', 'order by updated']) {
      const r = await c.get('/rest/api/3/search/jql', { jql });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, { errorMessages: ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'], errors: {} });
    }
  });
});
