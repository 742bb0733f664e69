// Deleted issues reach the warehouse: the id census (census/*.ts) through the real CLIs against the
// simulator. A "warehouse" here applies each run's issues records in order (upsert by id; a tombstone
// deletes), as a deduplicating destination or target-postgres with hard_delete does; at the end it must
// hold exactly the issues the simulator still has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../../src/config/config.js';
import type { JsonObject } from '../../src/streams/stream.js';
import { idsOf, liveIds, ok, readAirbyte, readSinger, tombstones, Warehouse, withSim, type Run } from './census-harness.js';

const AIRBYTE = '_ab_cdc_deleted_at';
const SINGER = '_sdc_deleted_at';

test('issues deleted between runs become tombstones on both fronts and deleted_issues rows; a quiet re-run adds none', async () => {
  await withSim({ issues: 400 }, async (sim, config) => {
    for (const front of ['airbyte', 'singer'] as const) {
      const read = front === 'airbyte' ? readAirbyte : readSinger;
      const marker = front === 'airbyte' ? AIRBYTE : SINGER;
      const wh = new Warehouse();
      const first = await read(config, undefined);
      ok(first);
      assert.equal(tombstones(first.records.issues, marker).length, 0, `${front}: no tombstone without a previous census`);
      wh.apply(first.records.issues, marker);
      const gone = sim.control.deleteIssues(7).sort();
      const second = await read(config, first.state);
      ok(second);
      const dead = tombstones(second.records.issues, marker);
      assert.deepEqual(idsOf(dead), gone, `${front}: a tombstone for each deleted issue, none other`);
      for (const t of dead) {
        assert.deepEqual(Object.keys(t).sort(), ['id', marker, 'updated'].sort(), `${front}: a tombstone carries the key, the cursor and the marker`);
        assert.equal(t.updated, t[marker], `${front}: the cursor is the deletion time, so deduplication keeps the tombstone`);
      }
      assert.ok(!(second.records.issues ?? []).some((r) => r[front === 'airbyte' ? SINGER : AIRBYTE] !== undefined), `${front}: only its own marker`);
      assert.deepEqual(idsOf(second.records.deleted_issues), gone, `${front}: deleted_issues lists them`);
      for (const row of second.records.deleted_issues!) assert.equal(row.detected_by, 'census');
      wh.apply(second.records.issues, marker);
      assert.deepEqual(wh.ids(), liveIds(sim), `${front}: the warehouse holds exactly the live issues`);
      const quiet = await read(config, second.state);
      ok(quiet);
      assert.equal(tombstones(quiet.records.issues, marker).length, 0, `${front}: a quiet re-run emits no tombstone`);
      assert.equal((quiet.records.deleted_issues ?? []).length, 0, `${front}: nor deleted_issues rows`);
    }
  });
});

test('an administrator: the audit log dates and names the deletions; without admin its 403 is said once and not asked again', async () => {
  await withSim({ issues: 300, admin: true }, async (sim, config) => {
    const before = sim.control.deleteIssues(2).sort();
    const first = await readAirbyte(config, undefined);
    ok(first);
    assert.deepEqual(idsOf(first.records.deleted_issues), before, 'the first run lists what the audit log remembers');
    const at = Date.now();
    const gone = sim.control.deleteIssues(3).sort();
    const second = await readAirbyte(config, first.state);
    ok(second);
    assert.deepEqual(idsOf(tombstones(second.records.issues)), gone);
    for (const row of second.records.deleted_issues!) {
      assert.equal(row.detected_by, 'audit');
      assert.match(String(row.key), /^[A-Z]+-\d+$/);
      assert.ok(Math.abs(Date.parse(String(row.deleted_at)) - at) < 5000, 'deleted_at is the audit record time');
    }
  });
  await withSim({ issues: 300 }, async (sim, config) => {
    const first = await readAirbyte(config, undefined);
    ok(first);
    assert.equal(first.warnings.filter((w) => w.includes('auditing/record') && w.includes('403')).length, 1, 'the 403 is said once');
    sim.control.deleteIssues(2);
    sim.control.resetRequestLog();
    const second = await readAirbyte(config, first.state);
    ok(second);
    assert.equal(tombstones(second.records.issues).length, 2);
    assert.equal(sim.control.requestCounts()['GET /rest/api/3/auditing/record'] ?? 0, 0, 'not asked again after a 403');
    assert.equal(second.warnings.filter((w) => w.includes('auditing/record')).length, 0);
  });
});

test('a project that became invisible (permission) is not a deletion: WARN, no tombstones, and its rows are back in the census when it returns', async () => {
  await withSim({ issues: 300 }, async (sim, config) => {
    const first = await readAirbyte(config, undefined);
    ok(first);
    const ops = sim.control.truth().filter((t) => t.projectKey === 'OPS').length;
    assert.ok(ops > 0);
    sim.control.hideProject('OPS');
    const gone = sim.control.deleteIssues(2).sort();
    const second = await readAirbyte(config, first.state);
    ok(second);
    assert.deepEqual(idsOf(tombstones(second.records.issues)), gone, 'only the really deleted issues');
    const warned = second.warnings.filter((w) => w.includes('OPS') && w.includes('no longer visible'));
    assert.equal(warned.length, 1, second.warnings.join('\n'));
    assert.ok(warned[0]!.includes(`OPS (${ops} issues)`), warned[0]);
    sim.control.hideProject('OPS', false);
    const third = await readAirbyte(config, second.state);
    ok(third);
    assert.equal(tombstones(third.records.issues).length, 0, 'the project came back: nothing was deleted');
    assert.equal(third.warnings.filter((w) => w.includes('no longer visible')).length, 0);
  });
});

test('deletions while the run reads, with index lag and offset tokens: no false tombstone; the next run catches them; nothing stale', async () => {
  for (const tokenSemantics of ['keyset', 'offset'] as const) {
    await withSim({ issues: 1500, indexLagMs: 1500, tokenSemantics, latencyMs: 5 }, async (sim, config) => {
      const wh = new Warehouse();
      const ever = new Set(sim.control.truth().map((t) => t.id));
      const check = (r: Run) => {
        ok(r);
        for (const t of tombstones(r.records.issues)) assert.ok(!liveIds(sim).includes(String(t.id)), `${tokenSemantics}: tombstone for ${t.id}, which exists`);
        wh.apply(r.records.issues, AIRBYTE);
      };
      const first = await readAirbyte(config, undefined);
      check(first);
      sim.control.startChurn({ updatesPerSecond: 200, createsPerSecond: 40, deletesPerSecond: 40 });
      const second = await readAirbyte(config, first.state);
      sim.control.stopChurn();
      check(second);
      for (const t of sim.control.truth()) ever.add(t.id);
      await new Promise((r) => setTimeout(r, 1600)); // the index catches up
      const third = await readAirbyte(config, second.state);
      check(third);
      assert.ok(sim.control.requests().length > 0);
      assert.deepEqual(wh.ids(), liveIds(sim), `${tokenSemantics}: after the index caught up the warehouse holds exactly the live issues (nothing lost, no stale row)`);
    });
  }
});

test('kill -9 during the census, then resume: no tombstone lost, none false', async () => {
  await withSim({ issues: 400 }, async (sim, config) => {
    const first = await readAirbyte(config, undefined);
    ok(first);
    const gone = sim.control.deleteIssues(6).sort();
    let seen = 0;
    const killed = await readAirbyte(config, first.state, { onMessage: (m) => m.type === 'RECORD' && m.record.data[AIRBYTE] != null && ++seen === 3 });
    assert.equal(killed.signal, 'SIGKILL');
    const partial = idsOf(tombstones(killed.records.issues));
    assert.ok(partial.length >= 3 && partial.every((id) => gone.includes(id)));
    assert.equal(killed.messages.filter((m) => m.type === 'STATE').length, 0, 'no STATE before the census finished');
    const resumed = await readAirbyte(config, first.state);
    ok(resumed);
    assert.deepEqual(idsOf(tombstones(resumed.records.issues)), gone, 'the resumed run tombstones every deleted issue again');
  });
});

test('kill -9 mid-walk after the census: the resumed run keeps the census; issues deleted meanwhile are caught', async () => {
  await withSim({ issues: 2000 }, async (sim, config) => {
    const first = await readAirbyte(config, undefined);
    ok(first);
    // Edits inside the next window (older than its settle margin), at a few instants: a walk with many
    // checkpoints (under 1000 issues: the seek walk, not one leaf; README "Partitions").
    for (const ago of [60_000, 50_000, 40_000, 30_000]) sim.control.bulkEdit(200, Date.now() - ago);
    let states = 0;
    const killed = await readAirbyte(config, first.state, { onMessage: (m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'issues' && ++states === 4 });
    assert.equal(killed.signal, 'SIGKILL');
    const last = (killed.state as JsonObject[]).find((s: any) => s.stream.stream_descriptor.name === 'issues') as any;
    assert.ok(last.stream.stream_state.window && last.stream.stream_state.census, 'killed mid-window with the census in the state');
    const gone = sim.control.deleteIssues(4).sort();
    const resumed = await readAirbyte(config, killed.state);
    ok(resumed);
    assert.deepEqual(idsOf(tombstones(resumed.records.issues)), gone);
  });
});

test('a first run killed mid-walk, then resumed: the ids both parts emitted are the baseline (no listing), and deletions among them are caught next', async () => {
  await withSim({ issues: 800 }, async (sim, config) => {
    let states = 0;
    const killed = await readAirbyte(config, undefined, { onMessage: (m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'issues' && ++states === 3 });
    assert.equal(killed.signal, 'SIGKILL');
    const early = idsOf(killed.records.issues);
    assert.ok(early.length > 0 && early.length < 800, 'killed mid-walk');
    assert.ok(killed.messages.some((m) => m.type === 'LOG' && String(m.log.message).includes('are its baseline')), 'a first run lists no census');
    const resumed = await readAirbyte(config, killed.state);
    ok(resumed);
    const gone = sim.control.deleteIssues(4, { ids: early.slice(0, 2).concat(idsOf(resumed.records.issues).slice(-2)) }).sort();
    const next = await readAirbyte(config, resumed.state);
    ok(next);
    assert.deepEqual(idsOf(tombstones(next.records.issues)), gone, 'deletions among the ids emitted before and after the kill');
  });
});

test('budget: the census of 10,000 issues costs at most 3 requests (with and without audit access)', async () => {
  for (const admin of [false, true]) {
    await withSim({ issues: 10_000, admin }, async (sim, config) => {
      const first = await readAirbyte(config, undefined, { names: ['deleted_issues'] });
      ok(first);
      sim.control.deleteIssues(25);
      sim.control.resetRequestLog();
      const second = await readAirbyte(config, first.state, { names: ['deleted_issues'] });
      ok(second);
      assert.equal(second.records.deleted_issues?.length, 25);
      const counts = sim.control.requestCounts();
      const census = (counts['POST /rest/api/3/search/jql'] ?? 0) + (counts['POST /rest/api/3/issue/bulkfetch'] ?? 0) + (counts['GET /rest/api/3/auditing/record'] ?? 0);
      assert.ok(census <= 3, `admin ${admin}: ${census} requests (${JSON.stringify(counts)})`);
      const line = second.infos.find((l) => l.includes('id census:'))!;
      assert.match(line, /in [1-3] requests/);
    });
  }
});

test('an issue moved out of the configured projects still exists: no tombstone for it', async () => {
  await withSim({ issues: 300 }, async (sim, config) => {
    const scoped = { ...config, projects: ['APP', 'DATA', 'WEB'] } as Config;
    const first = await readAirbyte(scoped, undefined);
    ok(first);
    const inScope = sim.control.truth().filter((t) => t.projectKey !== 'OPS').map((t) => t.id);
    const moved = sim.control.moveIssues(2, { ids: inScope.slice(0, 2), toProject: 'OPS' });
    const gone = sim.control.deleteIssues(2, { ids: inScope.slice(2, 4) }).sort();
    const second = await readAirbyte(scoped, first.state);
    ok(second);
    assert.deepEqual(idsOf(tombstones(second.records.issues)), gone);
    assert.ok(!idsOf(second.records.deleted_issues).some((id) => moved.includes(id)));
  });
});

test('a malformed census in the saved state stops the run with a config error naming the fix, before any record', async () => {
  await withSim({ issues: 50 }, async (_sim, config) => {
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'issues' }, stream_state: { cursor: '2026-01-01T00:00:00.000Z', census: { at: 'later', ids: '' } } } }];
    const r = await readAirbyte(config, state, { names: ['issues'] });
    assert.equal(r.code, 1);
    const error = r.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')!.trace.error;
    assert.equal(error.failure_type, 'config_error');
    assert.match(error.message, /malformed "census" \(at must be an RFC 3339 date-time\); remove the "census" key/);
    assert.equal(r.messages.filter((m) => m.type === 'RECORD').length, 0);
  });
});
