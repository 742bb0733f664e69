// The standard suite every stream in the registry passes, against the simulator in Cloud and in Data
// Center mode, through the real CLIs: listed by discover on both fronts (and only where the deployment
// has its endpoints); its schema is valid JSON Schema holding its primary key; a full refresh yields
// records that validate, with primary keys present and unique, and ends with a STATE; pages of one item
// (the server caps every list at 1) and the largest pages give the same records; a 400, 403 or 404 is
// never silent (the stream fails with an ERROR trace, or warns that it skipped); no request reaches a
// path the simulator does not route. A new stream that fails any of these fails the build.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { allStreams, streamsFor } from '../../src/streams/registry.js';
import type { Deployment } from '../../src/jira/deployment.js';
import { assertValidAirbyte, assertValidSinger, newAjv } from '../helpers/protocol-checks.js';
import { airbyteBin, runCli, singerBin, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const TOKEN = 'ATATT3xFfGF0-standard-suite-4e1f';

const byStream = (r: CliResult, type: string, name: string) => r.messages.filter((m) => m.type === type && (m.record?.stream ?? m.state?.stream?.stream_descriptor?.name) === name);
const sortedJson = (rows: unknown[]) => rows.map((x) => JSON.stringify(x)).sort();

for (const mode of ['cloud', 'datacenter'] as Deployment[]) {
  describe(`standard stream suite (${mode})`, () => {
    const expected = streamsFor(allStreams(), mode);
    let sim: RunningSimulator;
    let files: Record<string, string>;
    let catalog: { streams: Message[] };
    let full: CliResult;

    const config = (pageSize: number) => ({
      base_url: sim.url,
      credentials: mode === 'cloud' ? { auth_type: 'api_token', email: 'demo@example.com', api_token: TOKEN } : { auth_type: 'personal_access_token', personal_access_token: TOKEN },
      start_date: '2020-01-01T00:00:00Z',
      page_size: pageSize,
    });

    async function cli(bin: string, args: string[]): Promise<CliResult> {
      const r = await runCli(bin, args, { timeoutMs: 60_000 });
      // Singer discover prints one JSON document over several lines (Meltano's line cap); the rest is NDJSON.
      if (args.includes('--discover') && r.code === 0) JSON.parse(r.stdout);
      else assert.deepEqual(r.badLines, [], 'every stdout line is a JSON message');
      assert.ok(!(r.stdout + r.stderr).includes(TOKEN), 'the token appeared in the output');
      return r;
    }
    const readAll = async (configFile: string) => {
      const r = await cli(airbyteBin, ['read', '--config', configFile, '--catalog', files.catalog!]);
      assertValidAirbyte(r.messages, { catalog });
      return r;
    };

    before(async () => {
      // An administrator's token on a site where two issues were deleted: deleted_issues has rows to read (the audit log).
      sim = await startSimulator({ issues: 60, seed: 7, now: NOW, mode, admin: true, ...(mode === 'cloud' ? { apiToken: TOKEN } : { personalAccessToken: TOKEN }) });
      sim.control.deleteIssues(2);
      files = writeJsonFiles({ largest: config(5000), one: config(1) });
      const d = await cli(airbyteBin, ['discover', '--config', files.largest!]);
      catalog = d.messages.find((m) => m.type === 'CATALOG')!.catalog;
      const configured = catalog.streams.map((stream) => ({ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }));
      files = { ...files, ...writeJsonFiles({ catalog: { streams: configured } }) };
      full = await readAll(files.largest!);
    });
    after(() => sim.close());

    test('discover lists every stream this deployment has endpoints for, on both fronts, and no other', async () => {
      const names = expected.map((s) => s.name);
      assert.deepEqual(catalog.streams.map((s) => s.name), names);
      const singer = await cli(singerBin, ['--config', files.largest!, '--discover']);
      assert.deepEqual(JSON.parse(singer.stdout).streams.map((s: Message) => s.tap_stream_id), names);
      if (mode === 'datacenter') {
        assert.ok(names.length < allStreams().length, 'the Cloud-only streams are not offered on Data Center');
        // A catalog that asks for one anyway is refused before anything is read (never a runtime 404).
        const cloudOnly = allStreams().find((s) => !names.includes(s.name))!;
        const f = writeJsonFiles({ catalog: { streams: [{ stream: { name: cloudOnly.name, json_schema: cloudOnly.schema, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] } });
        const r = await cli(airbyteBin, ['read', '--config', files.largest!, '--catalog', f.catalog!]);
        assert.equal(r.code, 1);
        const [error] = r.messages.filter((m) => m.trace?.type === 'ERROR');
        assert.equal(error!.trace.error.failure_type, 'config_error');
        assert.match(error!.trace.error.message, new RegExp(`"${cloudOnly.name}" is not offered`));
        assert.equal(r.messages.filter((m) => m.type === 'RECORD').length, 0);
      }
    });

    test('every schema is valid JSON Schema (draft-07) that declares and requires its primary key', () => {
      for (const s of catalog.streams) {
        const ajv = newAjv();
        assert.ok(ajv.validateSchema(s.json_schema), `${s.name}: ${JSON.stringify(ajv.errors)}`);
        ajv.compile(s.json_schema);
        assert.equal(s.json_schema.type, 'object', s.name);
        for (const [key] of s.source_defined_primary_key) {
          assert.ok(s.json_schema.properties[key], `${s.name}: primary key ${key} is declared`);
          assert.ok(s.json_schema.required.includes(key), `${s.name}: primary key ${key} is required`);
        }
      }
    });

    test('a full refresh of every stream: ≥ 1 record, all valid, keys present and unique, statuses in order, a STATE last', () => {
      assert.equal(full.code, 0, full.stderr.slice(-2000));
      for (const s of catalog.streams) {
        const validate = newAjv().compile(s.json_schema);
        const records = byStream(full, 'RECORD', s.name);
        assert.ok(records.length >= 1, `${s.name}: no records`);
        const keys = new Set<string>();
        for (const m of records) {
          assert.ok(validate(m.record.data), `${s.name}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(m.record.data).slice(0, 300)}`);
          // Targets make columns of declared fields only: an undeclared one would be lost downstream.
          for (const field of Object.keys(m.record.data)) assert.ok(field in s.json_schema.properties, `${s.name}: field ${field} is not in the schema`);
          const key = JSON.stringify(s.source_defined_primary_key.map(([k]: string[]) => m.record.data[k!]));
          assert.ok(!key.includes('null'), `${s.name}: primary key missing in ${key}`);
          assert.ok(!keys.has(key), `${s.name}: primary key ${key} twice`);
          keys.add(key);
        }
        const last = full.messages.filter((m) => m.record?.stream === s.name || m.state?.stream?.stream_descriptor?.name === s.name).at(-1);
        assert.equal(last?.type, 'STATE', `${s.name}: the stream ends with a STATE`);
        const statuses = full.messages.filter((m) => m.trace?.stream_status?.stream_descriptor.name === s.name).map((m) => m.trace.stream_status.status);
        assert.deepEqual(statuses, ['STARTED', 'RUNNING', 'COMPLETE'], s.name);
      }
    });

    test('pages of one item (the server caps every list at 1) give the same records as the largest pages', async () => {
      const total = () => Object.values(sim.control.requestCounts()).reduce((a, n) => a + n, 0);
      const before = total();
      sim.control.configure({ listPageCap: 1 });
      try {
        const one = await readAll(files.one!);
        assert.equal(one.code, 0, one.stderr.slice(-2000));
        // Records of the issues walk come many to a body (changelog entries, comments): count the lists'.
        const fromBodies = new Set(allStreams().filter((s) => s.shared?.family === 'issues-walk').map((s) => s.name));
        const records = full.messages.filter((m) => m.type === 'RECORD' && !fromBodies.has(m.record.stream)).length;
        assert.ok(total() - before > records, `pages of one item: ${total() - before} requests for ${records} list records`);
        for (const s of catalog.streams) {
          assert.deepEqual(sortedJson(byStream(one, 'RECORD', s.name).map((m) => m.record.data)), sortedJson(byStream(full, 'RECORD', s.name).map((m) => m.record.data)), s.name);
        }
      } finally {
        sim.control.configure({ listPageCap: 0 });
      }
    });

    test('incremental: every stream with a cursor reads from no state the same records as a full refresh, then from its final state, each ending with a STATE', async () => {
      const incremental = catalog.streams.filter((s) => s.supported_sync_modes.includes('incremental'));
      assert.ok(incremental.length >= 3, 'issues and the streams derived from its walk');
      const configured = incremental.map((stream) => ({ stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: stream.default_cursor_field }));
      const f = writeJsonFiles({ catalog: { streams: configured } });
      const run = async (stateFile?: string) => {
        const r = await cli(airbyteBin, ['read', '--config', files.largest!, '--catalog', f.catalog!, ...(stateFile ? ['--state', stateFile] : [])]);
        assert.equal(r.code, 0, r.stderr.slice(-2000));
        assertValidAirbyte(r.messages, { catalog: { streams: incremental } });
        return r;
      };
      const first = await run();
      const states = incremental.map((s) => byStream(first, 'STATE', s.name).at(-1)!.state);
      const second = await run(writeJsonFiles({ state: states }).state);
      for (const s of incremental) {
        assert.deepEqual(sortedJson(byStream(first, 'RECORD', s.name).map((m) => m.record.data)), sortedJson(byStream(full, 'RECORD', s.name).map((m) => m.record.data)), `${s.name}: incremental from no state = full refresh`);
        for (const r of [first, second]) {
          const last = r.messages.filter((m) => m.record?.stream === s.name || m.state?.stream?.stream_descriptor?.name === s.name).at(-1);
          assert.equal(last?.type, 'STATE', `${s.name}: ends with a STATE`);
        }
        const cursor = s.default_cursor_field[0];
        for (const m of byStream(first, 'RECORD', s.name)) assert.ok(typeof m.record.data[cursor] === 'string', `${s.name}: the cursor ${cursor} is set`);
        assert.ok(byStream(second, 'RECORD', s.name).length < byStream(first, 'RECORD', s.name).length, `${s.name}: the second run starts from the state`);
      }
    });

    test('Singer: a sync without a catalog reads every stream, each with SCHEMA, records and a bookmark', async () => {
      const r = await cli(singerBin, ['--config', files.largest!]);
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      assertValidSinger(r.messages);
      const last = r.messages.filter((m) => m.type === 'STATE').at(-1)!.value;
      for (const s of catalog.streams) {
        assert.equal(r.messages.filter((m) => m.type === 'RECORD' && m.stream === s.name).length, byStream(full, 'RECORD', s.name).length, s.name);
        assert.ok(s.name in last.bookmarks, `${s.name}: bookmark`);
      }
    });

    for (const status of [400, 403, 404]) {
      test(`a ${status} from every endpoint is never silent: each stream fails with an ERROR trace or warns that it skipped`, async () => {
        const paths = [...new Set(sim.control.requests().map((q) => q.path))].filter((p) => !p.endsWith('/myself'));
        sim.control.configure({ faults: { rateStatus: 1, status, paths } });
        try {
          const r = await readAll(files.largest!);
          assert.equal(r.code, 1);
          for (const s of catalog.streams) {
            const error = r.messages.find((m) => m.trace?.type === 'ERROR' && m.trace.error.stream_descriptor?.name === s.name);
            const warned = r.messages.some((m) => m.type === 'LOG' && m.log.level === 'WARN' && m.log.message.startsWith(`${s.name}: skipped`) && m.log.message.includes(`HTTP ${status}`));
            // A declared fallback (Data Center users: /user/list missing before 10.3) reads the older endpoint, and says so.
            const fellBack = r.messages.some((m) => m.type === 'LOG' && m.log.level === 'WARN' && m.log.message.startsWith(`${s.name}: `) && m.log.message.includes(`answered HTTP ${status} (a Jira release without it)`));
            assert.ok(error !== undefined || warned || fellBack, `${s.name}: a ${status} left no ERROR trace and no WARN`);
            if (error) assert.match(error.trace.error.message, new RegExp(String(status)), `${s.name}: the error names the status`);
            if (!error && !fellBack) assert.equal(byStream(r, 'RECORD', s.name).length, 0, `${s.name}: skipped everything, so nothing to emit`);
          }
        } finally {
          sim.control.configure({ faults: {} });
        }
      });
    }

    test('no request reached a path the simulator does not route', () => {
      assert.deepEqual(sim.control.unrouted(), []);
    });
  });
}
