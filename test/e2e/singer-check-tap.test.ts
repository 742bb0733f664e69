// Issue 4, check 5 (Singer side): the checks singer-check-tap makes, against bin/tap-jira.js and the
// simulator: SCHEMA before RECORD, records valid against their schema, strict RFC 3339 date-times, exit
// 0, and a re-run from the last STATE that is valid too. Plus what Meltano relies on: --about and a
// --discover that prints exactly one catalog document.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { requireConnector, simConfig, startSim } from '../helpers/e2e-env.js';
import { runCli, singerBin, writeJsonFiles } from '../helpers/run-cli.js';
import { assertValidSinger, singerCheckTap } from '../helpers/protocol-checks.js';

/** Marks every stream (and so its fields) selected, as Meltano's `select: issues.*` does. */
function selectAll(catalog: { streams: any[] }): { streams: any[] } {
  return {
    streams: catalog.streams.map((s) => {
      const metadata: any[] = (s.metadata ?? []).map((m: any) => ({ ...m, metadata: { ...m.metadata, selected: true } }));
      if (!metadata.some((m) => m.breadcrumb.length === 0)) metadata.push({ breadcrumb: [], metadata: { selected: true } });
      return { ...s, metadata };
    }),
  };
}

describe('Singer: singer-check-tap checks on tap-jira', () => {
  let sim: RunningSimulator;
  let config: string;
  let discovered: { streams: any[] };

  before(async () => {
    requireConnector();
    sim = await startSim({ seed: 41, issues: 400, now: Date.now() - 3600_000 });
    config = writeJsonFiles({ config: simConfig(sim.url, { page_size: 100 }) }).config!;
  });
  after(async () => {
    await sim?.close();
  });

  test('--about --format json names the capabilities Meltano needs', async () => {
    const r = await runCli(singerBin, ['--about', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const about = JSON.parse(r.stdout); // one JSON document (the SDK pretty-prints it too)
    for (const c of ['catalog', 'discover', 'state', 'about']) assert.ok(about.capabilities?.includes(c), `capability ${c} missing: ${JSON.stringify(about.capabilities)}`);
    assert.equal(typeof about.name, 'string');
  });

  test('--discover prints exactly one catalog document with tap_stream_id, schema and key metadata', async () => {
    const r = await runCli(singerBin, ['--config', config, '--discover']);
    assert.equal(r.code, 0, r.stderr.slice(-1000));
    // Meltano parses the whole of stdout as one JSON document.
    discovered = JSON.parse(r.stdout);
    const issues = discovered.streams.find((s) => s.tap_stream_id === 'issues');
    assert.ok(issues, 'issues stream discovered');
    assert.equal(issues.stream, 'issues');
    assert.equal(issues.schema.type, 'object');
    const top = issues.metadata.find((m: any) => m.breadcrumb.length === 0)?.metadata;
    assert.deepEqual(top?.['table-key-properties'], ['id']);
    assert.deepEqual(top?.['valid-replication-keys'], ['updated']);
  });

  test('a sync with the catalog, then a re-run from its last STATE, pass every singer-check-tap check', async () => {
    assert.ok(discovered, 'discover must have run');
    const { catalog } = writeJsonFiles({ catalog: selectAll(discovered) });
    const { first, second, state } = await singerCheckTap(singerBin, config, { catalogPath: catalog });
    // Every stream is selected; the full-table ones (projects, users, ...) re-emit on every run.
    const issues = (r: typeof first) => r.messages.filter((m) => m.type === 'RECORD' && m.stream === 'issues');
    assert.equal(issues(first).length, sim.control.truth().length, 'one record per issue');
    const schema = first.messages.find((m) => m.type === 'SCHEMA' && m.stream === 'issues');
    assert.deepEqual(schema?.key_properties, ['id']);
    assert.ok((state as any)?.bookmarks?.issues, `STATE value is {"bookmarks": {"issues": ...}}: ${JSON.stringify(state)}`);
    assert.equal(issues(second).length, 0, 'nothing changed, so the re-run emits no issue records');
  });

  test('without a catalog (as singer-check-tap runs it) the tap exits 0 with valid output', async () => {
    const r = await runCli(singerBin, ['--config', config]);
    assert.equal(r.code, 0, r.stderr.slice(-1000));
    assert.deepEqual(r.badLines, []);
    assertValidSinger(r.messages);
  });
});
