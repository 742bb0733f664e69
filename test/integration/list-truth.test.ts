// The simulator's truth for the list streams (GET /__sim/lists, used by the end-to-end tests and the
// benchmark's request model) is what the connector reads, on a site sized like the benchmark's:
// every stream's rows by key, Cloud and Data Center, with parents read once per run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { airbyteStream } from '../../src/protocol/airbyte-catalog.js';
import { allStreams, streamsFor } from '../../src/streams/registry.js';
import { airbyteBin, runCli, writeJsonFiles } from '../helpers/run-cli.js';

const credentials = {
  cloud: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' },
  datacenter: { auth_type: 'personal_access_token', personal_access_token: 'demo-pat' },
};

for (const mode of ['cloud', 'datacenter'] as const) {
  describe(`list truth (${mode})`, () => {
    let sim: RunningSimulator;
    let files: Record<string, string>;
    const streams = streamsFor(allStreams(), mode).filter((s) => s.name !== 'issues');
    before(async () => {
      sim = await startSimulator({ issues: 50, seed: 3, mode, projects: 15, users: 120, boards: 9, sprints: 70, versionsPerProject: 4 });
      files = writeJsonFiles({
        config: { base_url: sim.url, credentials: credentials[mode], start_date: '2020-01-01T00:00:00Z' },
        catalog: { streams: streams.map((s) => ({ stream: airbyteStream(s), sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) },
      });
    });
    after(() => sim.close());

    test('every list stream reads exactly the rows the truth lists, and each parent list once', async () => {
      const truth = sim.control.listTruth();
      assert.deepEqual(Object.keys(truth).sort(), streams.map((s) => s.name).sort(), 'the truth covers the streams discover offers');
      sim.control.resetRequestLog();
      const r = await runCli(airbyteBin, ['read', '--config', files.config!, '--catalog', files.catalog!]);
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      for (const s of streams) {
        const got = r.messages.filter((m) => m.type === 'RECORD' && m.record.stream === s.name).map((m) => s.primaryKey.map(([k]) => String(m.record.data[k!])));
        const want = truth[s.name]!.keys;
        const sort = (xs: string[][]) => xs.map((x) => JSON.stringify(x)).sort();
        assert.deepEqual(sort(got), sort(want), s.name);
      }
      const counts = sim.control.requestCounts();
      const root = mode === 'cloud' ? '/rest/api/3' : '/rest/api/2';
      assert.equal(counts['GET /rest/agile/1.0/board'], 1, 'boards read once for boards, sprints and board_columns');
      assert.equal(counts[`GET ${root}/field`], 1, 'fields read once for issue_fields and the custom field streams');
      assert.equal(counts[mode === 'cloud' ? `GET ${root}/project/search` : `GET ${root}/project`], 1, 'projects read once for projects, versions and components');
      if (mode === 'cloud') assert.equal(counts[`GET ${root}/group/bulk`], 1, 'groups read once for groups and group_members');
    });
  });
}
