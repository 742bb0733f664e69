// What users hand the connector, through the real CLIs against the simulator: files with a UTF-8 BOM,
// states of the other protocol or of unexpected shapes (used or refused, never ignored without a
// word), states whose cursor has no time zone or lies ahead of the clock, and the round trip from one
// run's output to the next run's input (discover output as the catalog, a run's output as the state).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { assertValidAirbyte, assertValidSinger } from '../helpers/protocol-checks.js';
import { airbyteBin, runCli, singerBin, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';

const TOKEN = 'demo-token';
const ISSUES = 300;
const BOM = '\uFEFF';

// The issues stream's messages (a Singer run without a catalog reads every stream).
const records = (r: CliResult): Message[] => r.messages.filter((m) => m.type === 'RECORD' && (m.record.stream ?? m.stream) === 'issues');
const states = (r: CliResult): Message[] => r.messages.filter((m) => m.type === 'STATE' && (m.value !== undefined || m.state.stream.stream_descriptor.name === 'issues'));
const logs = (r: CliResult, level: string): string[] => r.messages.filter((m) => m.type === 'LOG' && m.log.level === level).map((m) => m.log.message);
const errors = (r: CliResult): Message[] => r.messages.filter((m) => m.trace?.type === 'ERROR').map((m) => m.trace.error);
const lastCursor = (r: CliResult): unknown => states(r).at(-1)?.state.stream.stream_state.cursor;
const iso = (ms: number): string => new Date(ms).toISOString();

describe('input files (config, catalog, state) through the real CLIs', () => {
  let sim: RunningSimulator;
  let files: Record<string, string>;

  /** Runs a CLI; its output must be valid for its protocol and free of the token. */
  const cli =
    (bin: string, assertValid: (messages: Message[]) => void) =>
    async (args: string[]): Promise<CliResult> => {
      const r = await runCli(bin, args, { timeoutMs: 60_000 });
      assert.deepEqual(r.badLines, [], 'every stdout line is a JSON message');
      assertValid(r.messages);
      assert.ok(!(r.stdout + r.stderr).includes(TOKEN), 'the API token appeared in the output');
      return r;
    };
  // RECORDs match the discovered catalog (the issues schema has the site's custom-field columns).
  let discoveredCatalog: { streams: Array<Record<string, any>> } | undefined;
  const airbyte = cli(airbyteBin, (m) => assertValidAirbyte(m, discoveredCatalog && { catalog: discoveredCatalog }));
  const singer = cli(singerBin, (m) => assertValidSinger(m));
  /** What `command > file` leaves: the run's stdout as a file. */
  const saved = (r: CliResult, name: string): string => {
    const { [name]: path } = writeJsonFiles({ [name]: r.stdout });
    return path!;
  };
  const read = (state?: string) => ['read', '--config', files.config!, '--catalog', files.discover!, ...(state ? ['--state', state] : [])];

  before(async () => {
    sim = await startSimulator({ issues: ISSUES, seed: 5, indexLagMs: 0 });
    files = writeJsonFiles({
      config: JSON.stringify({
        base_url: sim.url,
        credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: TOKEN },
        start_date: '2020-01-01T00:00:00Z',
      }),
    });
    // discover's output, as a user who keeps only the issues stream in it would save it
    const discovered = await airbyte(['discover', '--config', files.config!]);
    const catalog = discovered.messages.find((m) => m.type === 'CATALOG')!;
    catalog.catalog.streams = catalog.catalog.streams.filter((st: { name: string }) => st.name === 'issues');
    discoveredCatalog = catalog.catalog;
    files.discover = saved({ ...discovered, stdout: discovered.messages.map((m) => JSON.stringify(m)).join('\n') + '\n' }, 'discover.ndjson');
  });
  after(() => sim.close());

  test('a UTF-8 byte order mark is accepted at the start of the config, catalog and state files (both fronts)', async () => {
    const withBom = (path: string, name: string): string => {
      const { [name]: p } = writeJsonFiles({ [name]: BOM + readFileSync(path, 'utf8') });
      return p!;
    };
    const first = await airbyte(read());
    const bom = {
      config: withBom(files.config!, 'config'),
      catalog: withBom(files.discover!, 'catalog'),
      state: writeJsonFiles({ state: BOM + JSON.stringify([states(first).at(-1)!.state]) }).state!,
    };
    const r = await airbyte(['read', '--config', bom.config, '--catalog', bom.catalog, '--state', bom.state]);
    assert.equal(r.code, 0, JSON.stringify(errors(r)));
    assert.deepEqual(logs(r, 'WARN'), []);
    assert.match(logs(r, 'INFO').join('\n'), /issues: starting incremental read from the saved state/);
    const tap = await singer(['--config', bom.config, '--state', writeJsonFiles({ s: `${BOM}{"bookmarks": {}}` }).s!]);
    assert.equal(tap.code, 0, tap.stderr);
    assert.equal(records(tap).length, ISSUES);
  });

  test('round trip: discover output as the catalog, a run\'s output as the next run\'s state; only the edits are read again', async () => {
    const first = await airbyte(read());
    assert.equal(first.code, 0);
    assert.match(logs(first, 'INFO')[0]!, /Catalog file \S*discover\.ndjson\S* is discover's output, not a configured catalog: reading every stream in it \(issues incremental\)/);
    assert.equal(new Set(records(first).map((m) => m.record.data.id)).size, ISSUES);
    const run1 = saved(first, 'run1.ndjson');
    const edited = sim.control.updateIssues(5);
    const second = await airbyte(read(run1));
    assert.equal(second.code, 0);
    assert.match(logs(second, 'INFO').join('\n'), /State file \S*run1\.ndjson\S* is a run's output \(\d+ lines\): the last STATE message of each stream is used/);
    const ids = new Set(records(second).map((m) => m.record.data.id));
    for (const id of edited) assert.ok(ids.has(id), `edited issue ${id} read again`);
    assert.ok(ids.size < ISSUES / 10, `only the edits (and the lookback) are read again, got ${ids.size}`);
    // The chain goes on: the second run's output is the third run's state.
    const third = await airbyte(read(saved(second, 'run2.ndjson')));
    assert.equal(third.code, 0);
    assert.ok(String(lastCursor(third)) >= String(lastCursor(second)));
    // tap-jira: its own output as its state.
    const tap1 = await singer(['--config', files.config!]);
    const tap2 = await singer(['--config', files.config!, '--state', saved(tap1, 'tap1.ndjson')]);
    assert.equal(tap2.code, 0, tap2.stderr);
    assert.match(tap2.stderr, /INFO State file \S*tap1\.ndjson\S* is a run's output .*: its last STATE message is used/);
    assert.ok(records(tap2).length < ISSUES / 10);
  });

  test('a Singer state given to source-jira is used, with a WARN naming the shape; GLOBAL shared_state and unknown streams are named', async () => {
    const since = iso(Date.now() - 60 * 60_000);
    const f = writeJsonFiles({
      singer: { bookmarks: { issues: { cursor: since } } },
      singerMessage: { type: 'STATE', value: { bookmarks: { issues: { cursor: since } } } },
      global: { type: 'GLOBAL', global: { shared_state: { cursor: since }, stream_states: [{ stream_descriptor: { name: 'issues' }, stream_state: { cursor: since } }] } },
      typo: { isues: { cursor: since } },
    });
    for (const state of [f.singer!, f.singerMessage!]) {
      const r = await airbyte(read(state));
      assert.equal(r.code, 0);
      assert.match(logs(r, 'WARN').join('\n'), /is a Singer (state|STATE message).*, not Airbyte state: its bookmarks are used as the streams' states/);
      assert.match(logs(r, 'INFO').join('\n'), new RegExp(`reading updated in \\[${iso(Date.parse(since) - 5 * 60_000).replace(/[.[\]]/g, '\\$&')}`));
      assert.ok(records(r).length < ISSUES, 'resumed, not re-synced');
    }
    const g = await airbyte(read(f.global!));
    assert.equal(g.code, 0);
    assert.match(logs(g, 'WARN').join('\n'), /the GLOBAL state's shared_state is ignored; this source keeps one state per stream/);
    assert.ok(records(g).length < ISSUES, 'the GLOBAL stream_states are used');
    const t = await airbyte(read(f.typo!));
    assert.equal(t.code, 0);
    const warns = logs(t, 'WARN').join('\n');
    assert.match(warns, /the state of stream "isues" is ignored: this source has no such stream \(it offers: issues[,)]/);
    assert.match(warns, /holds no state for stream issues; it is read from start_date/);
  });

  test('Airbyte state given to tap-jira is used as bookmarks, with a WARN naming the shape', async () => {
    const since = iso(Date.now() - 60 * 60_000);
    const f = writeJsonFiles({
      list: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'issues' }, stream_state: { cursor: since } } }],
      legacy: { issues: { cursor: since } },
    });
    for (const [state, shape] of [[f.list!, 'a list of Airbyte state messages'], [f.legacy!, 'an Airbyte legacy state']] as const) {
      const r = await singer(['--config', files.config!, '--state', state]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`WARN State file .* is ${shape}.*, not Singer state: its stream states are used as bookmarks`));
      assert.ok(records(r).length < ISSUES, 'resumed, not re-synced');
      assert.deepEqual(r.messages.filter((m) => m.type === 'STATE').at(-1)!.value.bookmarks.issues.cursor >= since, true);
    }
  });

  test('a cursor without a time zone fails the stream with a config_error and no STATE', async () => {
    const { noZone } = writeJsonFiles({
      noZone: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'issues' }, stream_state: { cursor: '2026-01-01T00:00:00' } } }],
    });
    for (const front of ['airbyte', 'singer'] as const) {
      const started = Date.now();
      const r = front === 'airbyte' ? await airbyte(read(noZone)) : await singer(['--config', files.config!, '--state', noZone!]);
      assert.equal(r.code, 1);
      const message = front === 'airbyte' ? (errors(r) as [Message])[0].message : r.stderr;
      if (front === 'airbyte') {
        assert.equal(errors(r).length, 1);
        assert.equal(errors(r)[0]!.failure_type, 'config_error');
        assert.deepEqual(errors(r)[0]!.stream_descriptor, { name: 'issues' });
        assert.doesNotMatch(message, /\n/);
      }
      assert.match(message, /cursor without a time zone \("2026-01-01T00:00:00"\).*add the zone it was written in \(e\.g\. "2026-01-01T00:00:00Z" for UTC\)/);
      // No STATE of the issues stream: nothing may claim issues that were not read. (A Singer run
      // without a catalog reads the other streams too; their STATEs carry the issues bookmark as given.)
      const claimed = r.messages
        .filter((m) => m.type === 'STATE')
        .map((m) => (front === 'airbyte' ? m.state.stream.stream_state : m.value.bookmarks.issues))
        .filter((st) => st !== undefined && JSON.stringify(st) !== JSON.stringify({ cursor: '2026-01-01T00:00:00' }));
      assert.deepEqual(claimed, [], 'no STATE: nothing may claim issues that were not read');
      assert.equal(records(r).length, 0);
      assert.ok(Date.now() - started < 30_000, 'fails at once');
    }
  });

  test('a start_date without a time zone is refused before anything is read (check: FAILED; read: config_error, exit 1); one in the future is a WARN', async () => {
    const config = JSON.parse(readFileSync(files.config!, 'utf8')) as Record<string, unknown>;
    const { noZone } = writeJsonFiles({ noZone: { ...config, start_date: '2024-01-01T00:00:00' } });
    const expected = /^Invalid config: start_date has no time zone, so the instant it means is unknown; use an RFC 3339 date-time with a time zone/;
    const check = await airbyte(['check', '--config', noZone!]);
    assert.equal(check.code, 0);
    assert.equal(check.messages[0]!.connectionStatus.status, 'FAILED');
    assert.match(check.messages[0]!.connectionStatus.message, expected);
    const r = await airbyte(['read', '--config', noZone!, '--catalog', files.discover!]);
    assert.equal(r.code, 1);
    assert.match(errors(r)[0]!.message, expected);
    assert.equal(errors(r)[0]!.failure_type, 'config_error');
    assert.equal(records(r).length + states(r).length, 0);
    // A start_date in the future: nothing to read yet, and the log says so.
    const { future } = writeJsonFiles({ future: { ...config, start_date: '2099-01-01T00:00:00Z' } });
    const early = await airbyte(['read', '--config', future!, '--catalog', files.discover!]);
    assert.equal(early.code, 0);
    assert.match(logs(early, 'WARN').join('\n'), /issues: start_date 2099-01-01T00:00:00Z is not in the past yet; nothing is read until it is/);
    assert.equal(records(early).length, 0);
    assert.deepEqual(states(early).map((m) => m.state.stream.stream_state), [{}], 'a STATE that claims nothing');
  });

  test('a cursor far ahead of the clock: a WARN, no records, the state cleared (exit 0); a little ahead: a WARN and the cursor kept', async () => {
    const f = writeJsonFiles({
      future: { issues: { cursor: '2099-01-01T00:00:00Z' } },
      skew: { issues: { cursor: iso(Date.now() + 120_000) } },
    });
    const far = await airbyte(read(f.future!));
    assert.equal(far.code, 0);
    assert.match(logs(far, 'WARN').join('\n'), /issues: the saved state reaches 2099-01-01T00:00:00\.000Z, \d+ years ahead of this machine's clock .*nothing is read this run and the state is cleared, so the next run reads everything again from start_date/);
    assert.equal(records(far).length, 0, 'zero records, as Airbyte\'s acceptance test for abnormally large states requires');
    assert.deepEqual(states(far).map((m) => m.state.stream.stream_state), [{}], 'one STATE, claiming nothing');
    const next = await airbyte(read(saved(far, 'far.ndjson')));
    assert.equal(new Set(records(next).map((m) => m.record.data.id)).size, ISSUES, 'the next run reads everything again');
    const tap = await singer(['--config', files.config!, '--state', f.future!]);
    assert.equal(tap.code, 0, tap.stderr);
    assert.match(tap.stderr, /WARN issues: the saved state reaches 2099.*the state is cleared/);
    assert.deepEqual(tap.messages.filter((m) => m.type === 'STATE').at(-1)!.value.bookmarks.issues, {});
    const skewed = JSON.parse(readFileSync(f.skew!, 'utf8')).issues.cursor as string;
    const r = await airbyte(read(f.skew!));
    assert.equal(r.code, 0);
    assert.match(logs(r, 'WARN').join('\n'), /issues: the saved state reaches .*seconds ahead of this machine's clock .*the cursor is kept/);
    assert.equal(lastCursor(r), skewed, 'the cursor neither moves back nor forward');
  });

  test('a catalog or state file that is a run\'s output without the message needed is one config_error naming the fix', async () => {
    const logOnly = writeJsonFiles({ out: '{"type":"LOG","log":{"level":"INFO","message":"a"}}\n{"type":"LOG","log":{"level":"INFO","message":"b"}}\n' }).out!;
    const noCatalog = await airbyte(['read', '--config', files.config!, '--catalog', logOnly]);
    assert.equal(noCatalog.code, 1);
    assert.match(errors(noCatalog)[0]!.message, /Catalog file .* holds messages but no CATALOG message; pass discover's output or a ConfiguredAirbyteCatalog/);
    const noState = await airbyte(read(logOnly));
    assert.equal(noState.code, 1);
    assert.match(errors(noState)[0]!.message, /State file .* holds messages \(2 lines\) but no STATE message; pass the output of a run that emitted STATE lines, or leave out --state/);
    assert.equal(records(noState).length, 0);
  });
});
