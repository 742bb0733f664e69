// board_issues through the real Airbyte CLI: every board's issues (its filter: here its project), per
// board incremental with one state per board; a kill -9 resumes each board from its own position; a
// board created later starts from start_date, a deleted one leaves the state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, sim, type RunningSimulator } from './issues-harness.js';
import { readWalk } from './riders-harness.js';
import type { JsonObject } from '../../src/streams/stream.js';

/** The truth as board_issues keys `<board id>/<issue id>`: each board shows its project's issues. */
async function truthRows(s: RunningSimulator): Promise<string[]> {
  const res = await fetch(`${s.url}/rest/agile/1.0/board?maxResults=50`, { headers: { authorization: 'Basic ' + Buffer.from('demo@example.com:demo-token').toString('base64') } });
  const boards = ((await res.json()) as { values: Array<{ id: number; location: { projectKey: string } }> }).values;
  const truth = s.control.truth();
  return boards.flatMap((b) => truth.filter((t) => t.projectKey === b.location.projectKey).map((t) => `${b.id}/${t.id}`)).sort();
}
const key = (r: JsonObject) => `${String(r.board_id)}/${String(r.issue_id)}`;
const keys = (rows: JsonObject[]) => [...new Set(rows.map(key))].sort();

test('board_issues: every board\'s issues; the next run reads only what changed, per board; new and deleted boards', async () => {
  const s = await sim({ issues: 400, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s, { lookback_minutes: 0 });
    const first = await readWalk(config, ['board_issues']);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(keys(first.records('board_issues')), await truthRows(s));
    assert.equal(first.records('board_issues').length, new Set(first.records('board_issues').map(key)).size, 'no row twice');
    const state = first.lastStates.board_issues as { boards: Record<string, { cursor?: string }> };
    assert.ok(Object.keys(state.boards).length >= 5, 'a state per board');
    for (const b of Object.values(state.boards)) assert.match(String(b.cursor), /^\d{4}-/);

    const before = new Map(s.control.truth().map((t) => [t.id, t.updated]));
    s.control.updateIssues(6);
    const board = s.control.createEntity('board', { projectKey: 'OPS', name: 'OPS second board' });
    const gone = Object.keys(state.boards)[0]!;
    s.control.deleteEntity('board', gone); // its sprints go, and their issues to the backlog: their `updated` moves
    const changed = s.control.truth().filter((t) => t.updated !== before.get(t.id)).map((t) => t.id);
    assert.ok(changed.length > 6);
    await new Promise((r) => setTimeout(r, 20));
    const second = await readWalk(config, ['board_issues'], { states: { board_issues: state as JsonObject } });
    assert.equal(second.code, 0, second.stderr);
    const rows = second.records('board_issues');
    const fresh = rows.filter((r) => String(r.board_id) === board);
    assert.deepEqual(keys(fresh), (await truthRows(s)).filter((k) => k.startsWith(`${board}/`)), 'the new board: all its issues');
    const old = rows.filter((r) => String(r.board_id) !== board);
    const expected = (await truthRows(s)).filter((k) => !k.startsWith(`${board}/`) && changed.includes(k.split('/')[1]!));
    assert.deepEqual(keys(old), expected, 'the other boards: the changed issues, no other');
    const next = second.lastStates.board_issues as { boards: Record<string, unknown> };
    assert.ok(!(gone in next.boards), 'the deleted board left the state');
    assert.ok(board in next.boards);
  } finally {
    await s.close();
  }
});

test('board_issues: kill -9 mid-board, resume from the last STATE: the union equals the truth', async () => {
  const s = await sim({ issues: 500, latencyMs: 3, now: Date.now() - 3_600_000 });
  try {
    const config = configFor(s);
    for (const at of [1, 4]) {
      // killed at the at-th STATE that holds a board's window in progress
      let states = 0;
      const inWindow = (m: Record<string, any>) => m.type === 'STATE' && Object.values(m.state.stream.stream_state.boards as Record<string, { window?: unknown }>).some((b) => b.window !== undefined);
      const killed = await readWalk(config, ['board_issues'], { onMessage: (m) => inWindow(m) && ++states === at });
      assert.equal(killed.signal, 'SIGKILL');
      const cut = killed.lastStates.board_issues as { boards: Record<string, { window?: unknown }> };
      assert.ok(Object.values(cut.boards).some((b) => b.window !== undefined), 'killed inside a board\'s window');
      const resumed = await readWalk(config, ['board_issues'], { states: { board_issues: cut as JsonObject } });
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(keys([...killed.records('board_issues'), ...resumed.records('board_issues')]), await truthRows(s), `killed at STATE ${at}`);
      assert.ok(resumed.records('board_issues').length < (await truthRows(s)).length, 'the resume did not start over');
    }
  } finally {
    await s.close();
  }
});

test('board_issues: a malformed saved state is a config_error naming the fix', async () => {
  const s = await sim({ issues: 20 });
  try {
    const r = await readWalk(configFor(s), ['board_issues'], { states: { board_issues: { boards: { 1: { cursor: 'yesterday' } } } } });
    assert.equal(r.code, 1);
    const error = r.messages.find((m) => m.trace?.type === 'ERROR')!.trace.error;
    assert.equal(error.failure_type, 'config_error');
    assert.match(error.message, /board_issues \(board 1\).*delete the saved state/);
  } finally {
    await s.close();
  }
});
