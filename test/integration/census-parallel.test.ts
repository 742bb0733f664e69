// The id census of a big site (README "Deleted issues"): listed in parallel id segments cut from the
// previous census, and taken beside the walk. Real CLIs against the simulator, over sites of more than
// four segments' worth of issues (a segment holds about one 5000-id page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../helpers/run-cli.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import type { Config } from '../../src/config/config.js';
import { idsOf, liveIds, ok, readAirbyte, tombstones, Warehouse, withSim, type Run } from './census-harness.js';

const AIRBYTE = '_ab_cdc_deleted_at';
const ISSUES = 21_000; // 5 segments

const byNumber = (ids: string[]) => [...ids].sort((a, b) => Number(a) - Number(b));
const issuesState = (m: Message): any => (m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'issues' ? m.state.stream.stream_state : undefined);
const isTombstone = (m: Message) => m.type === 'RECORD' && m.record.stream === 'issues' && m.record.data[AIRBYTE] != null;
/** The census `at` of the last issues STATE a run sent (undefined: it sent none). */
const censusAt = (r: Run): string | undefined => r.messages.map(issuesState).filter((s) => s !== undefined).pop()?.census.at;

/**
 * What a census beside the walk promises, read off one run's messages: the STATEs carry the previous
 * census until its tombstones are all out (one block), the new one after; no issues record for an id
 * after its tombstone. `beside`: the walk emitted records and a STATE before the first tombstone.
 */
function checkOrder(r: Run, priorAt: string | undefined, opts: { beside?: boolean } = {}): void {
  const first = r.messages.findIndex(isTombstone);
  const last = r.messages.map(isTombstone).lastIndexOf(true);
  const dead = new Set<string>();
  r.messages.forEach((m, i) => {
    const s = issuesState(m);
    if (s !== undefined) {
      if (first < 0 || i < first) assert.equal(s.census.at, priorAt, `STATE #${i} before the tombstones carries the previous census`);
      else if (i > last) assert.notEqual(s.census.at, priorAt, `STATE #${i} after the tombstones carries the new census`);
      else assert.fail(`STATE #${i} among the tombstones`);
    }
    if (m.type === 'RECORD' && m.record.stream === 'issues') {
      const id = String(m.record.data.id);
      assert.ok(!dead.has(id), `issue ${id} emitted after its tombstone`);
      if (m.record.data[AIRBYTE] != null) dead.add(id);
    }
  });
  if (opts.beside) {
    const before = r.messages.slice(0, first);
    assert.ok(first > 0, 'the census found deletions');
    assert.ok(before.some((m) => m.type === 'RECORD' && m.record.stream === 'issues'), 'the walk emitted issues while the census ran');
    assert.ok(before.some((m) => issuesState(m) !== undefined), 'and STATEs (carrying the previous census)');
  }
}

/** A first run of issues and deleted_issues into a warehouse, then 300 edits inside the next run's window (its walk has work). */
async function firstRun(sim: RunningSimulator, config: Config): Promise<{ wh: Warehouse; first: Run }> {
  const wh = new Warehouse();
  const first = await readAirbyte(config, undefined);
  ok(first);
  wh.apply(first.records.issues, AIRBYTE);
  for (const ago of [60_000, 50_000, 40_000]) sim.control.bulkEdit(100, Date.now() - ago);
  return { wh, first };
}

test('the census of 21,000 and 100,000 issues: id segments listed at once, within 1.1 x the fewest requests; deletions in every segment; new issues in the open top one', async () => {
  for (const [issues, segments] of [
    [ISSUES, 5],
    [100_000, 21], // 20 pages' worth: one segment in 20 more leaves each about 5 % room
  ] as const) {
    await withSim({ issues }, async (sim, config) => {
      const only = { names: ['deleted_issues'] };
      const first = await readAirbyte(config, undefined, only);
      ok(first);
      const all = byNumber(liveIds(sim));
      const picked = all.filter((_id, i) => i % 700 === 350); // every segment loses some
      const gone = sim.control.deleteIssues(picked.length, { ids: picked }).sort();
      const created = sim.control.createIssues(40);
      sim.control.configure({ latencyMs: 300 });
      sim.control.resetRequestLog();
      const second = await readAirbyte(config, first.state, only);
      ok(second);
      assert.deepEqual(idsOf(second.records.deleted_issues), gone, `${issues}: a row for each deleted issue, none other`);
      const counts = sim.control.requestCounts();
      const pages = counts['POST /rest/api/3/search/jql'] ?? 0;
      const requests = Object.values(counts).reduce((a, b) => a + b, 0) - (counts['GET /rest/api/3/myself'] ?? 0) - (counts['GET /rest/api/3/field'] ?? 0);
      const fewest = Math.ceil((issues - gone.length + created.length) / 5000) + Math.ceil(gone.length / 100); // pages + bulkfetches of the missing ids
      assert.equal(pages, segments, `${issues}: one page per segment (${JSON.stringify(counts)})`);
      assert.ok(requests <= 1.1 * fewest, `${issues}: ${requests} requests for the fewest ${fewest} (${JSON.stringify(counts)})`);
      assert.ok(second.infos.some((l) => l.includes(`in ${requests} requests (${segments} id segments, ${Math.min(segments, 8)} at a time)`)), second.infos.join('\n'));
      // At once: max_concurrency (8) pages were answered within a latency or so; one after another they would be ≥ 300 ms apart each.
      const at = sim.control.requests().filter((r) => r.path.endsWith('/search/jql')).map((r) => r.at);
      const span = Math.max(...at) - Math.min(...at);
      assert.ok(span < 300 * (Math.ceil(segments / 8) + 1), `${issues}: the pages came within ${span} ms`);
      // The new issues are in the census now: a quiet run lists them and reports nothing.
      sim.control.configure({ latencyMs: 0 });
      const quiet = await readAirbyte(config, second.state, only);
      ok(quiet);
      assert.equal((quiet.records.deleted_issues ?? []).length, 0);
      assert.ok(quiet.infos.some((l) => l.includes(`${issues - gone.length + created.length} issues in`)), quiet.infos.join('\n'));
    });
  }
});

test('beside the walk, with edits, creations and deletions while both run: the STATEs carry the previous census until its tombstones are out, no issue comes after its tombstone, and the warehouse ends exact', async () => {
  await withSim({ issues: ISSUES }, async (sim, config) => {
    const { wh, first } = await firstRun(sim, config);
    const gone = sim.control.deleteIssues(30).sort();
    // Census pages of ~4,200 ids take ~4 s (bulkfetch pages of 100: 0.1 s): the walk reads meanwhile.
    sim.control.configure({ perRowMs: 1 });
    sim.control.startChurn({ updatesPerSecond: 100, createsPerSecond: 20, deletesPerSecond: 20 });
    // Created once the census was asked for its pages: the walk's sweeps emit them before it is done, it does not list them.
    let late: string[] = [];
    const second = await readAirbyte(config, first.state, {
      onMessage: (m) => {
        if (late.length === 0 && m.type === 'RECORD' && m.record.stream === 'issues') late = sim.control.createIssues(3);
      },
    });
    sim.control.stopChurn();
    ok(second);
    checkOrder(second, censusAt(first), { beside: true });
    const firstTombstone = second.messages.findIndex(isTombstone);
    for (const id of late) {
      const at = second.messages.findIndex((m) => m.type === 'RECORD' && m.record.stream === 'issues' && String(m.record.data.id) === id);
      assert.ok(at >= 0 && at < firstTombstone, `issue ${id}, created during the census, was emitted before it was done`);
    }
    assert.ok(second.infos.some((l) => /id census: .*\(5 id segments.* beside the walk; \d+ deleted/.test(l)), second.infos.join('\n'));
    const dead = idsOf(tombstones(second.records.issues));
    assert.ok(gone.every((id) => dead.includes(id)), 'every issue deleted before the run');
    for (const id of dead) assert.ok(!liveIds(sim).includes(id), `no tombstone for ${id}, which exists`);
    wh.apply(second.records.issues, AIRBYTE);
    sim.control.configure({ perRowMs: 0 });
    sim.control.deleteIssues(late.length, { ids: late }); // the new census did not list them: its STATEs must still name them
    const third = await readAirbyte(config, second.state);
    ok(third);
    checkOrder(third, censusAt(second));
    const caught = idsOf(tombstones(third.records.issues));
    assert.ok(late.every((id) => caught.includes(id)), 'the issues created and emitted during the census are tombstoned once deleted');
    wh.apply(third.records.issues, AIRBYTE);
    assert.deepEqual(wh.ids(), liveIds(sim), 'the warehouse holds exactly the live issues');
  });
});

test('kill -9 while the census runs beside the walk, and while its tombstones go out; resumed: every deletion caught, also of issues created and emitted while it ran', async () => {
  await withSim({ issues: ISSUES }, async (sim, config) => {
    const { wh, first } = await firstRun(sim, config);
    const created = sim.control.createIssues(5);
    sim.control.bulkEdit(created.length, Date.now() - 45_000, { ids: created }); // inside the walk's window
    const goneBefore = sim.control.deleteIssues(20);
    // Census pages of ~4,200 ids take ~4 s: the walk (305 issues, a STATE per 100) is done long before.
    sim.control.configure({ perRowMs: 1 });
    const seen = new Set<string>();
    const killed = await readAirbyte(config, first.state, {
      onMessage: (m) => {
        if (m.type === 'RECORD' && m.record.stream === 'issues' && created.includes(String(m.record.data.id))) seen.add(String(m.record.data.id));
        return issuesState(m) !== undefined && seen.size === created.length;
      },
    });
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(tombstones(killed.records.issues).length, 0, 'killed before the census was done');
    assert.equal(censusAt(killed), censusAt(first), 'its STATEs carried the previous census');
    wh.apply(killed.records.issues, AIRBYTE);
    // The issues created before the run, emitted by the killed walk, deleted now: the resumed run must know them.
    const goneAfter = [...sim.control.deleteIssues(3, { ids: created.slice(0, 3) }), ...sim.control.deleteIssues(5)];
    sim.control.configure({ perRowMs: 0 });
    const resumed = await readAirbyte(config, killed.state);
    ok(resumed);
    assert.deepEqual(idsOf(tombstones(resumed.records.issues)), [...goneBefore, ...goneAfter].sort());
    wh.apply(resumed.records.issues, AIRBYTE);
    assert.deepEqual(wh.ids(), liveIds(sim), 'the warehouse holds exactly the live issues');

    // Killed in the middle of the tombstones beside the walk: the resumed run sends them all again.
    sim.control.bulkEdit(200, Date.now() - 40_000);
    const gone = sim.control.deleteIssues(6).sort();
    sim.control.configure({ perRowMs: 0.3 });
    let dead = 0;
    const cut = await readAirbyte(config, resumed.state, { onMessage: (m) => isTombstone(m) && ++dead === 3 });
    assert.equal(cut.signal, 'SIGKILL');
    assert.equal(censusAt(cut), censusAt(resumed), 'no STATE with the new census before all its tombstones');
    wh.apply(cut.records.issues, AIRBYTE);
    sim.control.configure({ perRowMs: 0 });
    const again = await readAirbyte(config, cut.state);
    ok(again);
    assert.deepEqual(idsOf(tombstones(again.records.issues)), gone);
    wh.apply(again.records.issues, AIRBYTE);
    assert.deepEqual(wh.ids(), liveIds(sim));
  });
});

test('a census that fails beside the walk stops the run with its error, after what the walk emitted; every STATE still carries the previous census, and the next run catches up', async () => {
  await withSim({ issues: 2000 }, async (sim, config) => {
    const { wh, first } = await firstRun(sim, config);
    const others = sim.control.truth().filter((t) => t.projectKey !== 'OPS').map((t) => t.id);
    const gone = sim.control.deleteIssues(3, { ids: others.slice(0, 3) }).sort();
    sim.control.hideProject('OPS'); // the census asks GET /project/OPS, answered 400 here
    // The census's one page (~1,500 ids, OPS hidden) takes ~1.5 s: the walk's issues outside OPS are out before it fails.
    sim.control.configure({ faults: { rateStatus: 1, status: 400, paths: ['/rest/api/3/project/'] }, perRowMs: 1 });
    const failed = await readAirbyte(config, first.state);
    assert.equal(failed.code, 1, failed.stderr.slice(-2000));
    assert.ok((failed.records.issues ?? []).length >= 100 && failed.messages.some((m) => issuesState(m) !== undefined), 'the walk emitted its issues and STATEs first');
    const error = failed.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')?.trace.error;
    assert.match(String(error?.message), /rejected the request as invalid \(400\)/);
    assert.equal(tombstones(failed.records.issues).length, 0);
    checkOrder(failed, censusAt(first));
    wh.apply(failed.records.issues, AIRBYTE);
    sim.control.configure({ faults: {}, perRowMs: 0 });
    sim.control.hideProject('OPS', false);
    const next = await readAirbyte(config, failed.state);
    ok(next);
    assert.deepEqual(idsOf(tombstones(next.records.issues)), gone);
    wh.apply(next.records.issues, AIRBYTE);
    assert.deepEqual(wh.ids(), liveIds(sim));
  });
});
